using System.CommandLine;
using System.Diagnostics;
using System.Threading.Channels;
using Grpc.Core;
using Lightshield.Client;
using Lightshield.Protocol.Scan;
using Lightshield.Protocol.Transport;
using Spectre.Console;

namespace Lightshield.Cli.Scanning;

/// <summary><c>lightshield scan PATH...</c>: clamscan-compatible output and exit codes, through a scan server.</summary>
public static class ScanCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Files and directories to scan (directories recursively)", Arity = ArgumentArity.OneOrMore };
        var server = new Option<Uri?>("--server")
        {
            Description = "Scan server address, e.g. https://10.0.0.5:7443. Default: a private scan server (lightshield-svm) for this run",
            CustomParser = result =>
            {
                var text = result.Tokens.Single().Value;
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
                {
                    return uri;
                }
                result.AddError($"--server '{text}' is not an address such as https://10.0.0.5:7443");
                return null;
            },
        };
        var pin = new Option<string?>("--server-cert-sha256") { Description = "Trust the scan server's certificate with this SHA-256 fingerprint (as `lightshield up` prints)" };
        var database = new Option<string?>("--database", "-d") { Description = "Signature database directory for the private scan server (default: the starter database)" };
        var tenant = new Option<string>("--tenant") { Description = "Tenant the scan is made for (fair queuing on the server)", DefaultValueFactory = _ => "default" };
        var priority = new Option<string>("--priority") { Description = "on-access, on-demand or scheduled", DefaultValueFactory = _ => "on-demand" };
        priority.AcceptOnlyFromAmong("on-access", "on-demand", "scheduled");
        var force = new Option<bool>("--force") { Description = "Scan content even when a verdict is cached" };
        var json = new Option<bool>("--json") { Description = "Write one JSON document instead of clamscan-style lines" };
        var infectedOnly = new Option<bool>("--infected", "-i") { Description = "Print only infected files (and errors)" };
        var noSummary = new Option<bool>("--no-summary") { Description = "Do not print the summary" };

        var command = new Command("scan", "Scan files and directories. Exit code: 0 clean, 1 found, 2 error.")
        {
            paths, server, pin, database, tenant, priority, force, json, infectedOnly, noSummary,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(server) is not null && parse.GetValue(database) is not null)
            {
                await Console.Error.WriteLineAsync("lightshield: --database applies to the private scan server; a remote server (--server) uses its own.").ConfigureAwait(false);
                return ExitCodes.Error;
            }
            var settings = new ScanRun(
                parse.GetValue(paths)!, parse.GetValue(server), parse.GetValue(pin), parse.GetValue(database),
                new ScanPipelineOptions
                {
                    Tenant = parse.GetValue(tenant)!,
                    Priority = parse.GetValue(priority) switch
                    {
                        "on-access" => Priority.OnAccess,
                        "scheduled" => Priority.Scheduled,
                        _ => Priority.OnDemand,
                    },
                    Force = parse.GetValue(force),
                },
                parse.GetValue(json), parse.GetValue(infectedOnly), parse.GetValue(noSummary));
            return await RunAsync(settings, Console.Out, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    public sealed record ScanRun(string[] Paths, Uri? Server, string? ServerCertificateSha256, string? Database,
        ScanPipelineOptions Pipeline, bool Json, bool InfectedOnly, bool NoSummary);

    public static async Task<int> RunAsync(ScanRun run, TextWriter output, CancellationToken cancellationToken)
    {
        PrivateScanServer? local = null;
        try
        {
            Uri address;
            if (run.Server is null)
            {
                local = await PrivateScanServer.StartAsync(run.Database, cancellationToken).ConfigureAwait(false);
                address = local.Address;
            }
            else
            {
                address = run.Server;
            }
            using var channel = GrpcChannels.Open(address, run.ServerCertificateSha256);
            var client = new ScanServerClient(new ScanService.ScanServiceClient(channel));
            var info = await client.GetInfoAsync(cancellationToken).ConfigureAwait(false);
            return await ScanAsync(run, client, info, output, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException exception)
        {
            await Console.Error.WriteLineAsync($"lightshield: scan server {run.Server?.ToString() ?? "(private)"} unavailable: {exception.Status.Detail}").ConfigureAwait(false);
            return ExitCodes.Error;
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or IOException
            or System.ComponentModel.Win32Exception)
        {
            await Console.Error.WriteLineAsync($"lightshield: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.Error;
        }
        finally
        {
            if (local is not null)
            {
                await local.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<int> ScanAsync(ScanRun run, ScanServerClient client, ServerInfo info, TextWriter output, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var files = FileWalker.Walk(run.Paths).ToList();
        var pipeline = new ScanPipeline(client, run.Pipeline with { MaxFileSize = info.MaxFileSize });
        var results = Channel.CreateBounded<FileScanResult>(512);
        var writer = new ScanReportWriter(output, run.Json, run.InfectedOnly);
        var summary = new ScanSummary();
        var scanning = pipeline.RunAsync(files, results.Writer, cancellationToken);

        var showProgress = !run.Json && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (showProgress)
        {
            await AnsiConsole.Progress().AutoClear(true).StartAsync(async progress =>
            {
                var task = progress.AddTask("Scanning", maxValue: files.Count);
                await foreach (var result in results.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    summary.Add(result);
                    if (writer.Line(result) is { } line)
                    {
                        AnsiConsole.WriteLine(line); // through Spectre, so lines print above the live progress bar
                    }
                    task.Increment(1);
                }
            }).ConfigureAwait(false);
        }
        else
        {
            await foreach (var result in results.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                summary.Add(result);
                writer.Write(result);
            }
        }
        await scanning.ConfigureAwait(false);
        if (!run.NoSummary || run.Json)
        {
            writer.WriteSummary(summary, pipeline.Statistics, info.EngineVersion, info.DatabaseVersion, info.SignatureCount, stopwatch.Elapsed);
        }
        return summary.ExitCode;
    }
}
