using Lightshield.Cli;

return await LightshieldCommand.Create().Parse(args).InvokeAsync();
