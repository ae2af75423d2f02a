using System.CommandLine;
using System.Text.Json;
using Lightshield.Agent.Quarantine;
using Lightshield.Quarantine;
using Lightshield.Quarantine.Vault;

namespace Lightshield.Cli.Tests.Quarantine;

public sealed class QuarantineCommandTests : IDisposable
{
    private const string Eicar = @"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    private readonly string _work = Directory.CreateTempSubdirectory("lightshield-cli-quarantine-").FullName;
    private readonly string _passphraseVariable = "LIGHTSHIELD_TEST_PASSPHRASE_" + Guid.NewGuid().ToString("N");

    public QuarantineCommandTests() => Environment.SetEnvironmentVariable(_passphraseVariable, "tenant secret 42");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(_passphraseVariable, null);
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task KeygenListRestoreDelete_EndToEnd_RestoresTheOriginalBytes()
    {
        var privateKey = Path.Combine(_work, "tenant.key");
        var publicKey = Path.Combine(_work, "tenant.pub");
        var vaultDirectory = Path.Combine(_work, "vault");
        var eicar = Path.Combine(_work, "quarterly-report.com");
        await File.WriteAllTextAsync(eicar, Eicar);

        var keygen = await RunAsync("quarantine", "keygen", "--private", privateKey, "--public", publicKey, "--passphrase-env", _passphraseVariable);
        Assert.Equal((ExitCodes.Clean, ""), (keygen.ExitCode, keygen.Error));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privateKey));
        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", await File.ReadAllTextAsync(privateKey), StringComparison.Ordinal);

        // The agent's side: the public key only.
        var vault = new QuarantineVault(new QuarantineVaultOptions { Directory = vaultDirectory },
            QuarantineKeys.ImportPublicKeyPem(await File.ReadAllTextAsync(publicKey)), TimeProvider.System);
        var item = await vault.QuarantineAsync(eicar, new QuarantineDetection("Eicar-Signature"), CancellationToken.None);
        Assert.False(File.Exists(eicar));
        Assert.Contains(item.KeyFingerprint, keygen.Output, StringComparison.Ordinal);

        var list = await RunAsync("quarantine", "list", "--vault", vaultDirectory, "--json");
        Assert.Equal(ExitCodes.Clean, list.ExitCode);
        var listed = Assert.Single(JsonDocument.Parse(list.Output).RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(item.Id, listed.GetProperty("id").GetString());
        Assert.Equal("Eicar-Signature", listed.GetProperty("detections")[0].GetString());
        Assert.False(listed.TryGetProperty("originalPath", out _));
        Assert.DoesNotContain("quarterly-report", list.Output, StringComparison.Ordinal);

        var withKey = await RunAsync("quarantine", "list", "--vault", vaultDirectory, "--json", "--key", privateKey, "--passphrase-env", _passphraseVariable);
        Assert.Equal(eicar, JsonDocument.Parse(withKey.Output).RootElement.GetProperty("items")[0].GetProperty("originalPath").GetString());

        var table = await RunAsync("quarantine", "list", "--vault", vaultDirectory);
        Assert.Contains(item.Id, table.Output, StringComparison.Ordinal);

        var restore = await RunAsync("quarantine", "restore", item.Id, "--vault", vaultDirectory, "--key", privateKey, "--passphrase-env", _passphraseVariable);
        Assert.Equal((ExitCodes.Clean, ""), (restore.ExitCode, restore.Error));
        Assert.Contains($"to {eicar}", restore.Output, StringComparison.Ordinal);
        Assert.Equal(Eicar, await File.ReadAllTextAsync(eicar));

        var again = await RunAsync("quarantine", "restore", item.Id, "--vault", vaultDirectory, "--key", privateKey, "--passphrase-env", _passphraseVariable);
        Assert.Equal(ExitCodes.Error, again.ExitCode);
        Assert.Contains("exists", again.Error, StringComparison.Ordinal);

        var copy = Path.Combine(_work, "copy.bin");
        var restoreTo = await RunAsync("quarantine", "restore", item.Id, "--vault", vaultDirectory, "--key", privateKey,
            "--passphrase-env", _passphraseVariable, "--to", copy);
        Assert.Equal(ExitCodes.Clean, restoreTo.ExitCode);
        Assert.Equal(Eicar, await File.ReadAllTextAsync(copy));

        var delete = await RunAsync("quarantine", "delete", item.Id, "--vault", vaultDirectory);
        Assert.Equal(ExitCodes.Clean, delete.ExitCode);
        var empty = await RunAsync("quarantine", "list", "--vault", vaultDirectory, "--json");
        Assert.Empty(JsonDocument.Parse(empty.Output).RootElement.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Restore_WrongPassphrase_ExitsTwoWithClearMessage()
    {
        var privateKey = Path.Combine(_work, "tenant.key");
        var publicKey = Path.Combine(_work, "tenant.pub");
        var vaultDirectory = Path.Combine(_work, "vault");
        Assert.Equal(ExitCodes.Clean, (await RunAsync("quarantine", "keygen", "--private", privateKey, "--public", publicKey,
            "--passphrase-env", _passphraseVariable)).ExitCode);
        var vault = new QuarantineVault(new QuarantineVaultOptions { Directory = vaultDirectory },
            QuarantineKeys.ImportPublicKeyPem(await File.ReadAllTextAsync(publicKey)), TimeProvider.System);
        var file = Path.Combine(_work, "eicar.com");
        await File.WriteAllTextAsync(file, Eicar);
        var item = await vault.QuarantineAsync(file, new QuarantineDetection("Eicar-Signature"), CancellationToken.None);
        Environment.SetEnvironmentVariable(_passphraseVariable, "not the passphrase");

        var restore = await RunAsync("quarantine", "restore", item.Id, "--vault", vaultDirectory, "--key", privateKey, "--passphrase-env", _passphraseVariable);

        Assert.Equal(ExitCodes.Error, restore.ExitCode);
        Assert.Contains("wrong passphrase", restore.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task Keygen_KeyFileExists_ExitsTwoAndLeavesItAlone()
    {
        var privateKey = Path.Combine(_work, "tenant.key");
        await File.WriteAllTextAsync(privateKey, "an existing key");

        var keygen = await RunAsync("quarantine", "keygen", "--private", privateKey, "--public", Path.Combine(_work, "tenant.pub"));

        Assert.Equal(ExitCodes.Error, keygen.ExitCode);
        Assert.Contains("refusing to overwrite", keygen.Error, StringComparison.Ordinal);
        Assert.Equal("an existing key", await File.ReadAllTextAsync(privateKey));
        Assert.False(File.Exists(Path.Combine(_work, "tenant.pub")));
    }

    [Fact]
    public async Task List_MissingVault_ExitsTwo()
    {
        var list = await RunAsync("quarantine", "list", "--vault", Path.Combine(_work, "nowhere"));

        Assert.Equal(ExitCodes.Error, list.ExitCode);
        Assert.Contains("no quarantine vault", list.Error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await LightshieldCommand.Create().Parse(arguments).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
