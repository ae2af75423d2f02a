using Lightshield.Center.Updates;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Updates;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Cli.Tests.Admin;

/// <summary><c>lightshield updates signing-key create</c> and <c>updates import --sign-with</c> against a real center:
/// the key stays with the provider, the center stores a signature that the printed public key verifies over exactly the
/// imported set.</summary>
public sealed class UpdateSigningCommandTests(CliCenter center) : IClassFixture<CliCenter>, IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("lightshield-cli-signing-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task A_created_key_signs_an_import_and_its_printed_public_key_verifies_the_stored_signature()
    {
        var provider = await center.ProviderShellAsync();
        var keyPath = Path.Combine(_work.FullName, "update-signing.key");

        var created = await provider.RunAsync("updates", "signing-key", "create", "--private", keyPath);
        var again = await provider.RunAsync("updates", "signing-key", "create", "--private", keyPath);
        var set = Directory.CreateDirectory(Path.Combine(_work.FullName, "set")).FullName;
        await File.WriteAllTextAsync(Path.Combine(set, "provider.hdb"), $"{new string('a', 32)}:10:Cli.Signed.One\n");
        await File.WriteAllTextAsync(Path.Combine(set, "more.ndb"), "Cli.Signed.Two:0:*:4c53484c44\n");
        var imported = await provider.JsonAsync("updates", "import", set, "--sign-with", keyPath, "--json");

        Assert.Equal(ExitCodes.Clean, created.ExitCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
        Assert.Equal(ExitCodes.Error, again.ExitCode);
        Assert.Contains("refusing to overwrite", again.Error, StringComparison.Ordinal);
        var publicKey = CredentialPublicKey.Parse(created.Output.Split('\n').Single(l => l.StartsWith("public key:", StringComparison.Ordinal))["public key:".Length..]);
        var files = imported.GetProperty("files").EnumerateArray().ToList();
        var stored = files.Single(f => f.GetProperty("name").GetString() == UpdateSignatureFile.FileName);
        await using var content = center.Services.GetRequiredService<UpdateStore>().OpenRead(stored.GetProperty("sha256").GetString()!)!;
        var signature = UpdateSignatureFile.Verify(await new StreamReader(content).ReadToEndAsync(), [publicKey]);
        Assert.Null(UpdateSignatureFile.Difference(signature, files.Where(f => f.GetProperty("name").GetString() != UpdateSignatureFile.FileName)
            .Select(f => new SignedUpdateFile(f.GetProperty("name").GetString()!, f.GetProperty("sha256").GetString()!, f.GetProperty("length").GetInt64()))));
        Assert.Equal(2, signature.Files.Count);
    }

    [Fact]
    public async Task Signing_with_a_file_that_is_not_a_key_fails_with_one_line_and_imports_nothing()
    {
        var provider = await center.ProviderShellAsync();
        var notAKey = Path.Combine(_work.FullName, "not-a-key.pem");
        await File.WriteAllTextAsync(notAKey, "hello\n");
        var set = Path.Combine(_work.FullName, "x.hdb");
        await File.WriteAllTextAsync(set, $"{new string('b', 32)}:10:Cli.Unsigned\n");
        var before = (await provider.JsonAsync("updates", "list", "--json")).GetArrayLength();

        var result = await provider.RunAsync("updates", "import", set, "--sign-with", notAKey);

        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("is not an update signing key", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, (await provider.JsonAsync("updates", "list", "--json")).GetArrayLength());
    }
}
