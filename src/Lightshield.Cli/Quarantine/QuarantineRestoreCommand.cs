using System.CommandLine;
using System.Globalization;
using Lightshield.Quarantine.Vault;

namespace Lightshield.Cli.Quarantine;

/// <summary><c>lightshield quarantine restore ID</c>: decrypts an item with the tenant private key and writes the
/// original bytes back with their mode, mtime and (as root) owner.</summary>
public static class QuarantineRestoreCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "Item id, as `lightshield quarantine list` shows it" };
        var vault = QuarantineCommand.VaultOption();
        var key = new Option<string>("--key") { Description = "The tenant's quarantine private key file (PEM)", Required = true };
        var passphraseEnv = QuarantineCommand.PassphraseEnvOption();
        var to = new Option<string?>("--to") { Description = "Write the file here instead of its original path" };
        var force = new Option<bool>("--force") { Description = "Replace an existing file at the target path" };
        var command = new Command("restore", "Decrypt an item and put the file back (the item stays in the vault until deleted)")
        {
            id, vault, key, passphraseEnv, to, force,
        };
        command.SetAction((parse, cancellationToken) => QuarantineCommand.RunAsync(parse, async output =>
        {
            var store = new QuarantineStore(parse.GetValue(vault)!);
            using var privateKey = QuarantineCommand.LoadPrivateKey(parse.GetValue(key)!, parse.GetValue(passphraseEnv), parse.InvocationConfiguration.Error);
            var result = await store.RestoreAsync(parse.GetValue(id)!, privateKey, parse.GetValue(to), parse.GetValue(force), cancellationToken)
                .ConfigureAwait(false);
            var metadata = result.Metadata;
            var owner = result.OwnerRestored ? $"owner {metadata.UserId}:{metadata.GroupId}" : "owner not restored (not root)";
            await output.WriteLineAsync($"restored {parse.GetValue(id)} to {result.Path} (mode {Convert.ToString(metadata.Mode, 8).PadLeft(4, '0')}, "
                + $"{owner}, modified {metadata.ModifiedAt.ToString("u", CultureInfo.InvariantCulture)})").ConfigureAwait(false);
        }));
        return command;
    }
}
