using System.CommandLine;
using Lightshield.Cli.Database;
using Lightshield.Engine;
using Lightshield.Svm.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Lightshield.Cli.Up;

/// <summary><c>lightshield up</c>: everything on one machine on embedded defaults. For now: a scan server
/// (TLS, self-signed) with the starter database and an in-process verdict cache.</summary>
public static class UpCommand
{
    public static Command Create()
    {
        var listen = new Option<string>("--listen") { Description = "gRPC address:port of the scan server", DefaultValueFactory = _ => "127.0.0.1:7443" };
        var ops = new Option<string>("--ops-listen") { Description = "HTTP address:port for health and metrics", DefaultValueFactory = _ => "127.0.0.1:7480" };
        var database = new Option<string?>("--database", "-d") { Description = "Signature database directory (default: the starter database)" };
        var redis = new Option<string?>("--redis") { Description = "Redis host:port for a verdict cache shared with other scan servers" };
        var dataDirectory = new Option<string?>("--data") { Description = "State directory (TLS certificate); default ~/.local/share/lightshield/svm" };
        var command = new Command("up", "Start Lightshield on this machine (scan server on embedded defaults) until Ctrl+C")
        {
            listen, ops, database, redis, dataDirectory,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new Dictionary<string, string?>
            {
                ["Svm:Listen"] = parse.GetValue(listen),
                ["Svm:OpsListen"] = parse.GetValue(ops),
                ["Svm:DatabaseDirectory"] = Path.GetFullPath(parse.GetValue(database) ?? DbCommand.DefaultDatabase),
                ["Svm:Redis"] = parse.GetValue(redis),
            };
            if (parse.GetValue(dataDirectory) is { } data)
            {
                settings["Svm:DataDirectory"] = Path.GetFullPath(data);
            }
            try
            {
                await using var app = ScanServerApp.Build([], settings);
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
                PrintWelcome(app.Services);
                await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
                return ExitCodes.Clean;
            }
            catch (Exception exception) when (exception is EngineException or OptionsValidationException or IOException)
            {
                await Console.Error.WriteLineAsync($"lightshield up: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.Error;
            }
        });
        return command;
    }

    private static void PrintWelcome(IServiceProvider services)
    {
        var endpoints = services.GetRequiredService<ScanServerEndpoints>();
        var engine = services.GetRequiredService<ScanEngine>();
        var table = new Table().HideHeaders().AddColumns("", "");
        table.AddRow("Scan server (gRPC, TLS)", endpoints.GrpcAddress.ToString());
        table.AddRow("Certificate SHA-256", endpoints.CertificateFingerprint ?? "(plaintext)");
        table.AddRow("Health", $"{endpoints.OpsAddress}health/ready");
        table.AddRow("Metrics", $"{endpoints.OpsAddress}metrics");
        table.AddRow("Engine", $"libclamav {engine.EngineVersion}");
        table.AddRow("Database", $"{engine.Database.Version} ({engine.Database.SignatureCount} signatures)");
        AnsiConsole.Write(new Panel(table).Header("Lightshield is up").Expand());
        AnsiConsole.MarkupLine($"Scan with it:  [bold]./lightshield scan --server {endpoints.GrpcAddress} --server-cert-sha256 {endpoints.CertificateFingerprint} PATH[/]");
        AnsiConsole.MarkupLine("Press Ctrl+C to stop.");
    }
}
