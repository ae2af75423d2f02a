using Lightshield.Center.Hosting;

if (args.Any(a => a is "--help" or "-h"))
{
    Console.WriteLine(CenterHelp.Text);
    return 0;
}
var app = CenterApp.Build(args);
await app.RunAsync();
return 0;

/// <summary>The entry point; public so functional tests can host the app with WebApplicationFactory.</summary>
public partial class Program;
