using Lightshield.Up;

return await UpCommand.Create().Parse(args).InvokeAsync();
