using System.CommandLine;
using Lightshield.CommandLine;
using Lightshield.Engine;
using Lightshield.Svm.Hosting;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Lightshield.Up;

/// <summary><c>lightshield up</c>: everything on one machine on embedded defaults, on loopback only — the center
/// (SQLite), a scan server registered with it, a demo tenant with a local agent enrolled — until Ctrl+C.</summary>
public static class UpCommand
{
    private const int Ok = 0;
    private const int Error = 2;

    public static RootCommand Create() => Create(onReady: null);

    /// <param name="onReady">Called once everything is up (tests use it to know when to look and to stop).</param>
    internal static RootCommand Create(Action<UpReady>? onReady)
    {
        var dataDirectory = new Option<string?>("--data")
        {
            Description = "Data directory: center database, scan server and agent state, demo credentials (default ~/.local/share/lightshield/up)",
        };
        var portBase = new Option<int>("--port-base")
        {
            Description = "First of four loopback ports: center REST, center gRPC (+1), scan server gRPC (+2), scan server health/metrics (+3); "
                + "0 picks free ports",
            DefaultValueFactory = _ => UpSettings.DefaultPortBase,
        };
        portBase.AcceptRange(0, 65532);
        var database = new Option<string?>("--database", "-d")
        {
            Description = "Signature database the scan server starts with on first run, copied into the data directory (default: the starter "
                + "database); later versions come from the center's update mirror (lightshield updates import|promote)",
        };
        var redis = new Option<string?>("--redis")
        {
            Description = "Redis host:port for a verdict cache shared with other scan servers (values signed with DATA/verdict.key; "
            + "an ACL user through LIGHTSHIELD_Svm__RedisUser and LIGHTSHIELD_Svm__RedisPasswordFile)"
        };
        var onAccess = new Option<string?>("--on-access")
        {
            Description = "Let the local agent protect this directory on access (fanotify; needs root). Default: on-access off",
        };
        var logLevel = new Option<string>("--log-level")
        {
            Description = "Minimum level of the components' logs on the console",
            DefaultValueFactory = _ => "Warning",
        };
        logLevel.AcceptOnlyFromAmong("Trace", "Debug", "Information", "Warning", "Error", "Critical", "None");
        var command = new RootCommand("Start Lightshield on this machine until Ctrl+C, on loopback: the center (SQLite, REST and gRPC), "
            + "a scan server registered with it, and a demo tenant 'demo' with a local agent enrolled. Prints the addresses and the demo "
            + "credentials (generated on first run, kept in the data directory and reused). Exit code 2 when a port is taken.")
        {
            dataDirectory, portBase, database, redis, onAccess, logLevel,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new UpSettings(
                Path.GetFullPath(parse.GetValue(dataDirectory) ?? UpSettings.DefaultDataDirectory),
                parse.GetValue(portBase),
                Path.GetFullPath(parse.GetValue(database) ?? SvmOptions.StarterDatabase),
                parse.GetValue(redis),
                parse.GetValue(onAccess) is { } path ? Path.GetFullPath(path) : null,
                parse.GetValue(logLevel)!);
            var output = parse.InvocationConfiguration.Output;
            try
            {
                var (stack, ready) = await UpStack.StartAsync(settings, cancellationToken).ConfigureAwait(false);
                await using (stack.ConfigureAwait(false))
                {
                    PrintWelcome(output, ready);
                    onReady?.Invoke(ready);
                    await stack.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
                    await output.WriteLineAsync("Stopping…").ConfigureAwait(false);
                }
                return Ok;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Ok;
            }
            catch (Exception exception) when (exception is UpException or UpPortException or EngineException or OptionsValidationException
                or IOException or HttpRequestException or UnauthorizedAccessException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"lightshield up: {exception.Message}").ConfigureAwait(false);
                return Error;
            }
        });
        return command;
    }

    private static void PrintWelcome(TextWriter writer, UpReady ready)
    {
        var terminal = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!terminal)
        {
            console.Profile.Width = 200;
        }
        var credentials = ready.Credentials;
        var rest = ready.Rest.ToString().TrimEnd('/');
        var table = new Table().HideHeaders().NoBorder().AddColumns("", "");
        table.AddRow("[bold]Web console[/]", Markup.Escape($"{rest}/  (sign in as the tenant admin or the provider admin below)"));
        table.AddRow("[bold]Center REST API[/]", Markup.Escape(rest));
        table.AddRow("API reference", Markup.Escape($"{rest}/api/reference"));
        table.AddRow("Center gRPC (agents, scan servers)", Markup.Escape(ready.CenterGrpc.ToString().TrimEnd('/')));
        table.AddRow("Center certificate SHA-256", ready.CenterCertificateSha256);
        table.AddRow("Scan server gRPC", Markup.Escape(ready.ScanServerGrpc.ToString().TrimEnd('/')));
        if (ready.ScanServerOps is { } ops)
        {
            table.AddRow("Scan server health", Markup.Escape($"{ops.ToString().TrimEnd('/')}/health/ready"));
        }
        table.AddEmptyRow();
        table.AddRow("[bold]Provider admin[/]", Markup.Escape($"{UpCredentials.ProviderAdminUserName} / {credentials.ProviderAdminPassword}"));
        table.AddRow("[bold]Tenant[/]", UpCredentials.TenantName);
        table.AddRow("[bold]Tenant admin[/]", Markup.Escape($"{UpCredentials.TenantAdminUserName} / {credentials.TenantAdminPassword}"));
        table.AddRow("Tenant secret (quarantine restores)", Markup.Escape(credentials.TenantSecret ?? "not set up"));
        table.AddRow("Local agent", Markup.Escape($"{ready.AgentId} (group {UpCredentials.AgentGroupName}, state {ready.AgentStateDirectory})"));
        table.AddRow("Demo files (EICAR, scanned at first start)", Markup.Escape(ready.DemoFiles));
        table.AddRow("Credentials file", Markup.Escape(UpCredentials.PathIn(ready.DataDirectory)));
        table.AddRow("Update signing key (provider)", Markup.Escape(Path.Combine(ready.DataDirectory, UpStack.UpdateSigningKeyName)));
        console.Write(new Panel(table).Header("Lightshield is up").Expand());

        var login = $"./lightshield login --center {rest}";
        console.MarkupLine("Next:");
        console.MarkupLine(Markup.Escape($"  {login} --tenant {UpCredentials.TenantName} --user {UpCredentials.TenantAdminUserName}"));
        console.MarkupLine("  ./lightshield agents list");
        console.MarkupLine(Markup.Escape($"  ./lightshield tasks start --kind scan --path {ready.DemoFiles} --agent {System.Environment.MachineName}"));
        console.MarkupLine("  ./lightshield tasks list");
        console.MarkupLine("  ./lightshield events list");
        console.MarkupLine(Markup.Escape($"  {login} --user {UpCredentials.ProviderAdminUserName}      # provider: tenants, segments, audit"));
        console.MarkupLine(Markup.Escape($"  ./lightshield updates import DIR --sign-with {Path.Combine(ready.DataDirectory, UpStack.UpdateSigningKeyName)}"
            + "      # provider: a signed signature set"));
        console.MarkupLine("  ./lightshield scan PATH      # a one-off scan with a private scan server (reports only, moves nothing)");
        console.MarkupLine("Press Ctrl+C to stop.");
    }
}
