using Lightshield.CommandLine;
using Lightshield.Up;

return await CommandLineRunner.RunAsync(UpCommand.Create(), args);
