using System.CommandLine;
using Lightshield.Quarantine;

namespace Lightshield.Cli.Quarantine;

/// <summary><c>lightshield quarantine keygen|list|restore|delete</c>: the tenant's side of the encrypted quarantine.</summary>
public static class QuarantineCommand
{
    public static Command Create() => new("quarantine", "Encrypted quarantine vaults: tenant key pair, list, restore, delete. Exit code: 0 ok, 2 error.")
    {
        QuarantineKeygenCommand.Create(),
        QuarantineListCommand.Create(),
        QuarantineRestoreCommand.Create(),
        QuarantineDeleteCommand.Create(),
    };

    internal static Option<string> VaultOption() => new("--vault") { Description = "The agent's vault directory", Required = true };

    internal static Option<string?> PassphraseEnvOption() => new("--passphrase-env")
    {
        Description = "Name of the environment variable holding the private key's passphrase (never on the command line)",
    };

    /// <summary>Runs <paramref name="action"/>; an expected failure prints <c>lightshield: message</c> and exits 2.</summary>
    internal static async Task<int> RunAsync(ParseResult parse, Func<TextWriter, Task> action)
    {
        var output = parse.InvocationConfiguration.Output;
        try
        {
            await action(output).ConfigureAwait(false);
            return ExitCodes.Clean;
        }
        catch (Exception exception) when (exception is QuarantineException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"lightshield: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.Error;
        }
    }

    /// <summary>The passphrase from the named environment variable; null when no variable is named.</summary>
    internal static string? ReadPassphrase(string? variable)
    {
        if (variable is null)
        {
            return null;
        }
        var passphrase = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrEmpty(passphrase)
            ? throw new QuarantineException($"--passphrase-env {variable}: the environment variable is not set or empty")
            : passphrase;
    }

    internal static QuarantinePrivateKey LoadPrivateKey(string path, string? passphraseVariable, TextWriter error)
    {
        var mode = File.GetUnixFileMode(path);
        if ((mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
        {
            error.WriteLine($"lightshield: warning: private key {path} is readable by other users (chmod 600 it)");
        }
        try
        {
            return QuarantineKeys.ImportPrivateKeyPem(File.ReadAllText(path), ReadPassphrase(passphraseVariable));
        }
        catch (QuarantineException exception)
        {
            throw new QuarantineException($"{path}: {exception.Message}", exception);
        }
    }
}
