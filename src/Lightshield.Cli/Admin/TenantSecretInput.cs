using System.CommandLine;
using Lightshield.Quarantine;

namespace Lightshield.Cli.Admin;

/// <summary>Where the CLI takes the tenant secret from: an environment variable, a file, or a prompt without echo.
/// Never a command-line value (it would show in the process list), and never sent to the center.</summary>
internal sealed class TenantSecretInput
{
    public Option<string?> Environment { get; } = new("--secret-env")
    {
        Description = "Name of the environment variable holding the tenant secret (else --secret-file, else a prompt)",
    };

    public Option<string?> File { get; } = new("--secret-file") { Description = "File holding the tenant secret (first line)" };

    public IEnumerable<Symbol> Options => [Environment, File];

    /// <summary>Whether the command was told where the secret is (a command where it is optional does not prompt).</summary>
    public bool Given(AdminInvocation run) => run.Value(Environment) is not null || run.Value(File) is not null;

    public string Read(AdminInvocation run, int minimumLength = 1)
    {
        string? secret;
        if (run.Value(Environment) is { } variable)
        {
            secret = run.Environment.GetVariable(variable);
        }
        else if (run.Value(File) is { } path)
        {
            secret = System.IO.File.ReadLines(path).FirstOrDefault()?.TrimEnd('\r');
        }
        else
        {
            secret = run.Environment.ReadSecret("Tenant secret:");
        }
        if (string.IsNullOrEmpty(secret) || secret.Length < minimumLength)
        {
            throw new AdminException(minimumLength > 1 ? $"the tenant secret must have at least {minimumLength} characters" : "the tenant secret is empty");
        }
        return secret;
    }

    public static int MinimumForNewKey => QuarantineKeys.MinimumSecretLength;
}
