using System.CommandLine;
using Lightshield.CommandLine;
using Lightshield.Svm.Database;
using Lightshield.Svm.Hosting;

if (args is ["db", ..])
{
    return await CommandLineRunner.RunAsync(new RootCommand("lightshield-svm") { DatabaseCommand.Create() }, args);
}
if (args.Any(a => a is "--help" or "-h"))
{
    Console.WriteLine(ScanServerHelp.Text);
    return 0;
}
var app = ScanServerApp.Build(args);
await app.StartAsync();
ScanServerHelp.PrintReady(app);
await app.WaitForShutdownAsync();
return 0;
