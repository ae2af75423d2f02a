using Lightshield.Cli;

return await CommandLineRunner.RunAsync(LightshieldCommand.Create(), args);
