using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary>The options every admin command takes: where the center is, how to authenticate, how to print.
/// Added once to a command group (recursive), so each of its subcommands accepts them.</summary>
public sealed class AdminOptions
{
    public Option<string?> Center { get; } = new("--center")
    {
        Description = "The center's URL, e.g. http://127.0.0.1:7500 (default: $LIGHTSHIELD_CENTER, else the one from lightshield login)",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "API token (default: $LIGHTSHIELD_TOKEN, else the one from lightshield login)",
        Recursive = true,
    };

    public Option<string?> CenterCertSha256 { get; } = new("--center-cert-sha256")
    {
        Description = "Trust the center's TLS certificate with this SHA-256 fingerprint (for a self-signed certificate)",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Write the API's JSON instead of a table", Recursive = true };

    /// <summary>Adds the options to <paramref name="command"/>; <paramref name="withToken"/> false for login/logout.</summary>
    public void AddTo(Command command, bool withToken = true)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Add(Center);
        if (withToken)
        {
            command.Add(Token);
        }
        command.Add(CenterCertSha256);
        command.Add(Json);
    }
}
