using System.Text;
using Lightshield.Quarantine.Format;
using Lightshield.Quarantine.Vault;

namespace Lightshield.Quarantine.Tests;

/// <summary>A restore of a damaged or altered item, or with the wrong key, fails and writes nothing.</summary>
public sealed class QuarantineTamperingTests : IDisposable
{
    private const int ChunkSize = 4096;
    private readonly VaultFixture _workspace = new(ChunkSize);
    private readonly byte[] _content = VaultFixture.RandomBytes((5 * ChunkSize) + 100);
    private readonly string _path;
    private readonly QuarantineStore _vault;
    private readonly QuarantineItem _item;

    public QuarantineTamperingTests()
    {
        _path = _workspace.WriteFile("victim.bin", _content);
        _vault = _workspace.Store;
        _item = _workspace.QuarantineAsync(_path, "Test.Tamper").GetAwaiter().GetResult();
    }

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task RestoreAsync_OtherTenantsPrivateKey_ThrowsAndWritesNothing()
    {
        var exception = await Assert.ThrowsAsync<QuarantineException>(() => Restore(TestKeys.OtherTenant));

        Assert.Contains("not for this key", exception.Message, StringComparison.Ordinal);
        AssertNothingRestored();
    }

    [Fact]
    public async Task RestoreAsync_FingerprintForgedToMatchOtherKey_OaepFailsAndWritesNothing()
    {
        var forged = TestKeys.OtherTenant.PublicKey.FingerprintBytes;
        var bytes = File.ReadAllBytes(_workspace.ItemPath(_item.Id));
        forged.CopyTo(bytes, 28);
        var manifestAt = bytes.AsSpan().LastIndexOf(Encoding.UTF8.GetBytes(TestKeys.Tenant.Fingerprint));
        Encoding.UTF8.GetBytes(TestKeys.OtherTenant.Fingerprint).CopyTo(bytes, manifestAt);
        File.WriteAllBytes(_workspace.ItemPath(_item.Id), bytes);

        var exception = await Assert.ThrowsAsync<QuarantineException>(() => Restore(TestKeys.OtherTenant));

        Assert.Contains("cannot unwrap", exception.Message, StringComparison.Ordinal);
        AssertNothingRestored();
    }

    [Fact]
    public async Task RestoreAsync_OneByteFlippedInAChunk_ThrowsAndWritesNothing()
    {
        var (start, _, _) = Layout();
        Modify(bytes => bytes[(int)start + (2 * (ChunkSize + 16)) + 100] ^= 0x01);

        var exception = await Assert.ThrowsAsync<QuarantineException>(() => Restore(TestKeys.Tenant));

        Assert.Contains("chunk 3 of 6", exception.Message, StringComparison.Ordinal);
        AssertNothingRestored();
    }

    [Fact]
    public async Task RestoreAsync_LastChunkRemovedAndManifestMadeConsistent_ThrowsAndWritesNothing()
    {
        var (start, end, recordSize) = Layout();
        var lastChunkStart = start + (5 * recordSize);
        Assert.Equal(100 + 16, end - lastChunkStart);
        var truncated = _content[..(5 * ChunkSize)];
        Modify(bytes =>
        {
            // The strongest truncation: the manifest is rewritten to the truncated content's size and hash, so
            // only the chunk's final flag and the manifest binding can tell.
            var manifest = QuarantineManifest.Decode(bytes.AsSpan((int)end, bytes.Length - 8 - (int)end), _item.Id) with
            {
                Size = truncated.Length,
                Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(truncated)),
            };
            var encoded = manifest.Encode();
            return [.. bytes[..(int)lastChunkStart], .. encoded, .. QuarantineManifest.Trailer(encoded.Length)];
        });
        Assert.Equal(truncated.Length, Assert.Single(_vault.List()).Size);

        var exception = await Assert.ThrowsAsync<QuarantineException>(() => Restore(TestKeys.Tenant));

        Assert.Contains("chunk 5 of 5", exception.Message, StringComparison.Ordinal);
        AssertNothingRestored();
    }

    [Fact]
    public async Task RestoreAsync_TwoChunksSwapped_ThrowsAndWritesNothing()
    {
        var (start, _, recordSize) = Layout();
        Modify(bytes =>
        {
            var first = bytes.AsSpan((int)start + recordSize, recordSize).ToArray();
            bytes.AsSpan((int)start + (2 * recordSize), recordSize).CopyTo(bytes.AsSpan((int)start + recordSize));
            first.CopyTo(bytes.AsSpan((int)start + (2 * recordSize)));
        });

        var exception = await Assert.ThrowsAsync<QuarantineException>(() => Restore(TestKeys.Tenant));

        Assert.Contains("chunk 2 of 6", exception.Message, StringComparison.Ordinal);
        AssertNothingRestored();
    }

    [Fact]
    public async Task RestoreAsync_ChunkAppendedAfterTheLast_ThrowsAndWritesNothing()
    {
        var (start, end, recordSize) = Layout();
        Modify(bytes => [.. bytes[..(int)end], .. bytes[(int)start..((int)start + recordSize)], .. bytes[(int)end..]]);

        await Assert.ThrowsAsync<QuarantineException>(() => Restore(TestKeys.Tenant));

        AssertNothingRestored();
    }

    [Fact]
    public async Task RestoreAsync_PlaintextManifestEdited_ThrowsAndWritesNothing()
    {
        Modify(bytes =>
        {
            var name = Encoding.UTF8.GetBytes("Test.Tamper");
            var at = bytes.AsSpan().LastIndexOf(name);
            Encoding.UTF8.GetBytes("Test.Tamper".ToUpperInvariant()).CopyTo(bytes, at);
        });
        Assert.Equal(["TEST.TAMPER"], Assert.Single(_vault.List()).Detections);

        await Assert.ThrowsAsync<QuarantineException>(() => Restore(TestKeys.Tenant));

        AssertNothingRestored();
    }

    [Fact]
    public async Task RestoreWithDataKeyAsync_AnotherItemsDataKey_ThrowsAndWritesNothing()
    {
        var otherPath = _workspace.WriteEicar("other.com");
        var other = await _workspace.QuarantineAsync(otherPath, "Eicar-Signature");
        var otherKey = QuarantineKeys.UnwrapDataKey(_vault.ReadWrappedDataKey(other.Id), TestKeys.Tenant);

        await Assert.ThrowsAsync<QuarantineException>(() =>
            _vault.RestoreWithDataKeyAsync(_item.Id, otherKey, null, overwrite: false, CancellationToken.None));

        AssertNothingRestored();
    }

    [Fact]
    public async Task UnwrapDataKey_WrappedKeyPresentedAsAnotherItems_Throws()
    {
        var other = await _workspace.QuarantineAsync(_workspace.WriteEicar("other.com"), "Eicar-Signature");
        var wrapped = _vault.ReadWrappedDataKey(_item.Id) with { ItemId = other.Id };

        var exception = Assert.Throws<QuarantineException>(() => QuarantineKeys.UnwrapDataKey(wrapped, TestKeys.Tenant));

        Assert.Contains("does not belong to item", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void List_ItemWithoutTrailer_IsReportedUnreadable()
    {
        Modify(bytes => bytes[..^3]);

        Assert.Empty(_vault.List());
        var unreadable = Assert.Single(_vault.ListUnreadable());
        Assert.Equal(_item.Id, unreadable.Id);
        Assert.Contains("damaged", unreadable.Reason, StringComparison.Ordinal);
    }

    private Task<QuarantineRestoreResult> Restore(QuarantinePrivateKey key) =>
        _vault.RestoreAsync(_item.Id, key, null, overwrite: false, CancellationToken.None);

    private (long Start, long End, int RecordSize) Layout()
    {
        using var reader = QuarantineItemReader.Open(_workspace.ItemPath(_item.Id), _item.Id);
        return (reader.ChunkAreaStart, reader.ChunkAreaEnd, reader.Header.ChunkSize + 16);
    }

    private void Modify(Action<byte[]> change) => Modify(bytes =>
    {
        change(bytes);
        return bytes;
    });

    private void Modify(Func<byte[], byte[]> change)
    {
        var path = _workspace.ItemPath(_item.Id);
        File.WriteAllBytes(path, change(File.ReadAllBytes(path)));
    }

    private void AssertNothingRestored()
    {
        Assert.False(File.Exists(_path));
        Assert.Empty(Directory.GetFileSystemEntries(_workspace.FilesDirectory));
    }
}
