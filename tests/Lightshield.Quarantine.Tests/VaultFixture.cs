using Lightshield.Quarantine.Native;
using Lightshield.Quarantine.Vault;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Quarantine.Tests;

/// <summary>A temporary vault (written to the test tenant's public key) and a directory of files to put into it.</summary>
internal sealed class VaultFixture : IDisposable
{
    public const string Eicar = @"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    public VaultFixture(int chunkSize = VaultWriter.DefaultChunkSize)
    {
        Root = Directory.CreateTempSubdirectory("lightshield-vault-test-").FullName;
        VaultDirectory = Path.Combine(Root, "vault");
        FilesDirectory = Path.Combine(Root, "files");
        Directory.CreateDirectory(FilesDirectory);
        Writer = new VaultWriter(VaultDirectory, TestKeys.Tenant.PublicKey, chunkSize, "agent-7", Time);
    }

    public string Root { get; }

    public string VaultDirectory { get; }

    public string FilesDirectory { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    public VaultWriter Writer { get; }

    public QuarantineStore Store => Writer.Store;

    public string WriteFile(string name, byte[] content)
    {
        var path = Path.Combine(FilesDirectory, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string WriteEicar(string name = "eicar.com") => WriteFile(name, System.Text.Encoding.ASCII.GetBytes(Eicar));

    public static byte[] RandomBytes(int length) => System.Security.Cryptography.RandomNumberGenerator.GetBytes(length);

    /// <summary>Puts the file at <paramref name="path"/> into the vault and removes it, as a quarantine does.</summary>
    public async Task<QuarantineItem> QuarantineAsync(string path, string detection)
    {
        QuarantineItem item;
        using (var handle = UnixCalls.OpenReadNoFollow(path))
        {
            var status = UnixCalls.Status(handle, path);
            var metadata = new QuarantinedFileMetadata(path, status.UserId, status.GroupId, status.Mode, status.ModifiedSeconds, status.ModifiedNanoseconds);
            item = await Writer.AddAsync(handle, metadata, new QuarantineDetection(detection), () => { }, CancellationToken.None);
        }
        File.Delete(path);
        return item;
    }

    public string ItemPath(string id) => Path.Combine(VaultDirectory, id + ".lsq");

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
