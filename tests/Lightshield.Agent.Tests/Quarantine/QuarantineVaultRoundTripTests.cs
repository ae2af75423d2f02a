using System.Text;
using Lightshield.Quarantine;
using Lightshield.Quarantine.Native;
using Lightshield.Quarantine.Vault;

namespace Lightshield.Agent.Tests.Quarantine;

public sealed class QuarantineVaultRoundTripTests : IDisposable
{
    private readonly QuarantineWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task QuarantineAsync_EicarFile_RemovesOriginalAndRestoreGivesBackBytesModeMtimeAndOwner()
    {
        var path = _workspace.WriteEicar("invoice.pdf.exe");
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("754", 8));
        File.SetLastWriteTimeUtc(path, new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc).AddTicks(1_234_567));
        if (QuarantineWorkspace.IsRoot)
        {
            QuarantineWorkspace.Run("chown", "1234:2345", path);
        }
        var before = UnixCalls.TryStatus(path)!.Value;
        var vault = _workspace.CreateVault();

        var item = await vault.QuarantineAsync(path, new QuarantineDetection("Eicar-Signature"), CancellationToken.None);

        Assert.False(File.Exists(path));
        var restored = await vault.RestoreAsync(item.Id, TestKeys.Tenant, targetPath: null, overwrite: false, CancellationToken.None);
        Assert.Equal(path, restored.Path);
        Assert.Equal(QuarantineWorkspace.Eicar, await File.ReadAllTextAsync(path));
        var after = UnixCalls.TryStatus(path)!.Value;
        Assert.Equal(Convert.ToUInt32("754", 8), after.Mode);
        Assert.Equal((before.ModifiedSeconds, before.ModifiedNanoseconds), (after.ModifiedSeconds, after.ModifiedNanoseconds));
        Assert.Equal(123_456_700u, after.ModifiedNanoseconds);
        Assert.Equal(QuarantineWorkspace.IsRoot, restored.OwnerRestored);
        if (QuarantineWorkspace.IsRoot)
        {
            Assert.Equal((1234u, 2345u), (after.UserId, after.GroupId));
        }
    }

    [Fact]
    public async Task QuarantineAsync_FiveMegabyteRandomFile_RestoreGivesBackIdenticalBytes()
    {
        var content = QuarantineWorkspace.RandomBytes((5 * 1024 * 1024) + 12_345);
        var path = _workspace.WriteFile("data.bin", content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var before = UnixCalls.TryStatus(path)!.Value;
        var vault = _workspace.CreateVault();

        var item = await vault.QuarantineAsync(path, new QuarantineDetection("Test.Random"), CancellationToken.None);

        Assert.False(File.Exists(path));
        Assert.Equal(content.Length, item.Size);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), item.Sha256);
        await vault.RestoreAsync(item.Id, TestKeys.Tenant, null, overwrite: false, CancellationToken.None);
        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        var after = UnixCalls.TryStatus(path)!.Value;
        Assert.Equal(before.Mode, after.Mode);
        Assert.Equal((before.ModifiedSeconds, before.ModifiedNanoseconds), (after.ModifiedSeconds, after.ModifiedNanoseconds));
        Assert.Equal((before.UserId, before.GroupId), (after.UserId, after.GroupId));
    }

    [Fact]
    public async Task QuarantineAsync_EicarAndRandomFile_VaultHoldsNoPlaintextContentNameOrPath()
    {
        var eicar = _workspace.WriteEicar("payroll-2025-confidential.xlsm");
        var random = QuarantineWorkspace.RandomBytes((5 * 1024 * 1024) + 777);
        var randomPath = _workspace.WriteFile("merger-plans-acme-secret.docx", random);
        var vault = _workspace.CreateVault();

        await vault.QuarantineAsync(eicar, new QuarantineDetection("Eicar-Signature"), CancellationToken.None);
        await vault.QuarantineAsync(randomPath, new QuarantineDetection("Test.Random"), CancellationToken.None);

        string[] secretTexts = [QuarantineWorkspace.Eicar, "payroll-2025-confidential", "merger-plans-acme-secret", eicar, randomPath,
            _workspace.FilesDirectory];
        List<byte[]> needles = [.. secretTexts.Select(Encoding.UTF8.GetBytes)];
        foreach (var offset in new[] { 0, 1_000_003, random.Length / 2, random.Length - 32 })
        {
            needles.Add(random[offset..(offset + 32)]);
        }
        var contents = _workspace.VaultContents();
        Assert.Equal(2, contents.Count);
        foreach (var (name, bytes) in contents)
        {
            Assert.True(bytes.Length > 1000, $"{name} is not an item");
            foreach (var needle in needles)
            {
                Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"{name} contains plaintext {Convert.ToHexString(needle)}");
            }
            Assert.DoesNotContain("payroll", name, StringComparison.Ordinal);
            Assert.DoesNotContain("merger", name, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task QuarantineAsync_WithDetection_ListShowsOnlyManifestFields()
    {
        var content = Encoding.ASCII.GetBytes(QuarantineWorkspace.Eicar);
        var path = _workspace.WriteFile("eicar.com", content);
        var vault = _workspace.CreateVault(agentId: "vm-42");

        var item = await vault.QuarantineAsync(path, new QuarantineDetection(["Eicar-Signature", "Win.Test.EICAR_HDB-1"]), CancellationToken.None);

        var listed = Assert.Single(vault.List());
        Assert.Equal(item.Id, listed.Id);
        Assert.Matches("^[0-9a-f]{32}$", listed.Id);
        Assert.Equal(_workspace.Time.GetUtcNow(), listed.QuarantinedAt);
        Assert.Equal(["Eicar-Signature", "Win.Test.EICAR_HDB-1"], listed.Detections);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), listed.Sha256);
        Assert.Equal(content.Length, listed.Size);
        Assert.Equal("vm-42", listed.AgentId);
        Assert.Equal(TestKeys.Tenant.Fingerprint, listed.KeyFingerprint);
        Assert.Empty(vault.ListUnreadable());
        Assert.Equivalent(listed, new QuarantineStore(_workspace.VaultDirectory).Get(item.Id), strict: true);
    }

    [Fact]
    public async Task RestoreAsync_OriginalPathExists_RefusesUnlessOverwrite()
    {
        var path = _workspace.WriteEicar();
        var vault = _workspace.CreateVault();
        var item = await vault.QuarantineAsync(path, new QuarantineDetection("Eicar-Signature"), CancellationToken.None);
        await File.WriteAllTextAsync(path, "a new file with the same name");

        var refused = await Assert.ThrowsAsync<QuarantineException>(() =>
            vault.RestoreAsync(item.Id, TestKeys.Tenant, null, overwrite: false, CancellationToken.None));

        Assert.Contains("exists", refused.Message, StringComparison.Ordinal);
        Assert.Equal("a new file with the same name", await File.ReadAllTextAsync(path));
        await vault.RestoreAsync(item.Id, TestKeys.Tenant, null, overwrite: true, CancellationToken.None);
        Assert.Equal(QuarantineWorkspace.Eicar, await File.ReadAllTextAsync(path));
        Assert.Single(Directory.GetFileSystemEntries(_workspace.FilesDirectory));
    }

    [Fact]
    public async Task RestoreAsync_ToAnotherPath_WritesThereAndLeavesOriginalPathAlone()
    {
        var path = _workspace.WriteEicar();
        var vault = _workspace.CreateVault();
        var item = await vault.QuarantineAsync(path, new QuarantineDetection("Eicar-Signature"), CancellationToken.None);
        var target = Path.Combine(_workspace.Root, "analysis.bin");

        var restored = await vault.RestoreAsync(item.Id, TestKeys.Tenant, target, overwrite: false, CancellationToken.None);

        Assert.Equal(target, restored.Path);
        Assert.Equal(path, restored.Metadata.OriginalPath);
        Assert.Equal(QuarantineWorkspace.Eicar, await File.ReadAllTextAsync(target));
        Assert.False(File.Exists(path));
        Assert.Single(vault.List());
    }

    [Fact]
    public async Task RestoreWithDataKeyAsync_KeyUnwrappedElsewhere_RestoresTheItem()
    {
        var content = QuarantineWorkspace.RandomBytes(50_000);
        var path = _workspace.WriteFile("report.bin", content);
        var vault = _workspace.CreateVault(chunkSize: 4096);
        var item = await vault.QuarantineAsync(path, new QuarantineDetection("Test.Random"), CancellationToken.None);

        var wrapped = vault.ReadWrappedDataKey(item.Id);
        var dataKey = QuarantineKeys.UnwrapDataKey(wrapped, TestKeys.Tenant); // done by the tenant's center
        await vault.RestoreWithDataKeyAsync(item.Id, dataKey, null, overwrite: false, CancellationToken.None);

        Assert.Equal(item.Id, wrapped.ItemId);
        Assert.Equal(TestKeys.Tenant.Fingerprint, wrapped.KeyFingerprint);
        Assert.Equal(32, dataKey.Length);
        Assert.Equal(content, await File.ReadAllBytesAsync(path));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4096)]
    [InlineData(3 * 4096)]
    [InlineData((3 * 4096) + 1)]
    public async Task QuarantineAsync_SizesAroundChunkBoundaries_RoundTrip(int size)
    {
        var content = QuarantineWorkspace.RandomBytes(size);
        var path = _workspace.WriteFile("file.bin", content);
        var vault = _workspace.CreateVault(chunkSize: 4096);

        var item = await vault.QuarantineAsync(path, new QuarantineDetection("Test.Size"), CancellationToken.None);
        await vault.RestoreAsync(item.Id, TestKeys.Tenant, null, overwrite: false, CancellationToken.None);

        Assert.Equal(size, item.Size);
        Assert.Equal(content, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Delete_QuarantinedItem_RemovesItFromVaultAndList()
    {
        var vault = _workspace.CreateVault();
        var item = await vault.QuarantineAsync(_workspace.WriteEicar(), new QuarantineDetection("Eicar-Signature"), CancellationToken.None);

        vault.Delete(item.Id);

        Assert.Empty(vault.List());
        Assert.Empty(_workspace.VaultContents());
        Assert.Throws<QuarantineException>(() => vault.Delete(item.Id));
    }

    [Fact]
    public void Constructor_MissingDirectory_CreatesItWithMode0700()
    {
        _workspace.CreateVault();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_workspace.VaultDirectory));
    }

    [Fact]
    public async Task QuarantineAsync_Item_IsWrittenWithMode0600()
    {
        var vault = _workspace.CreateVault();

        var item = await vault.QuarantineAsync(_workspace.WriteEicar(), new QuarantineDetection("Eicar-Signature"), CancellationToken.None);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_workspace.ItemPath(item.Id)));
    }
}
