using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Lightshield.Quarantine.Vault;

namespace Lightshield.Quarantine.Format;

/// <summary>Reads one item file: validates its structure on open (header, metadata record bounds, trailer,
/// manifest), then decrypts the metadata or streams the content, verifying every tag, the chunk order, the
/// final chunk, the manifest and the content's size and SHA-256.</summary>
internal sealed class QuarantineItemReader : IDisposable
{
    private readonly FileStream _stream;

    private QuarantineItemReader(FileStream stream, string id, QuarantineHeader header, QuarantineManifest manifest, byte[] manifestHash,
        long metadataOffset, int metadataLength, long chunkAreaStart, long chunkAreaEnd)
    {
        _stream = stream;
        Id = id;
        Header = header;
        Manifest = manifest;
        ManifestHash = manifestHash;
        MetadataOffset = metadataOffset;
        MetadataLength = metadataLength;
        ChunkAreaStart = chunkAreaStart;
        ChunkAreaEnd = chunkAreaEnd;
    }

    public string Id { get; }

    public QuarantineHeader Header { get; }

    public QuarantineManifest Manifest { get; }

    public byte[] ManifestHash { get; }

    public long MetadataOffset { get; }

    public int MetadataLength { get; }

    /// <summary>Offset of the first sealed content chunk.</summary>
    public long ChunkAreaStart { get; }

    /// <summary>Offset just past the last sealed content chunk (where the manifest starts).</summary>
    public long ChunkAreaEnd { get; }

    public QuarantineWrappedKey WrappedKey => new(Id, Convert.ToHexStringLower(Header.KeyFingerprint), Header.WrappedKey);

    public static QuarantineItemReader Open(string path, string id)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        }
        catch (FileNotFoundException exception)
        {
            throw new QuarantineException($"no quarantined item {id}", exception);
        }
        try
        {
            return Open(stream, id);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Decrypts and verifies the metadata record. A wrong data key fails here, before any content.</summary>
    public QuarantinedFileMetadata DecryptMetadata(ReadOnlySpan<byte> dataKey)
    {
        var record = new byte[MetadataLength];
        _stream.Position = MetadataOffset;
        _stream.ReadExactly(record);
        var plaintext = new byte[MetadataLength - ChunkCipher.TagSize];
        try
        {
            using var cipher = NewCipher(dataKey);
            if (!cipher.TryOpen(RecordKind.Metadata, 0, final: false, [], record, plaintext))
            {
                throw new QuarantineException($"cannot decrypt item {Id}: wrong data key, or the item is damaged or was tampered with");
            }
            return FileMetadataCodec.Decode(plaintext, Id);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Decrypts the content into <paramref name="destination"/>, one verified chunk at a time. Throws a
    /// <see cref="QuarantineException"/> at the first chunk that fails, or at the end when the size or SHA-256
    /// differ from the manifest; the caller discards what was written.</summary>
    public async Task DecryptContentAsync(byte[] dataKey, Stream destination, CancellationToken cancellationToken)
    {
        var recordSize = Header.ChunkSize + ChunkCipher.TagSize;
        var area = ChunkAreaEnd - ChunkAreaStart;
        var count = (area + recordSize - 1) / recordSize;
        var lastLength = (int)(area - ((count - 1) * recordSize));
        if (lastLength < ChunkCipher.TagSize)
        {
            throw QuarantineHeader.Damaged(Id, "the last chunk is truncated");
        }
        var record = ArrayPool<byte>.Shared.Rent(recordSize);
        var plaintext = ArrayPool<byte>.Shared.Rent(Header.ChunkSize);
        try
        {
            using var cipher = NewCipher(dataKey);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            _stream.Position = ChunkAreaStart;
            for (long chunk = 0; chunk < count; chunk++)
            {
                var final = chunk == count - 1;
                var length = final ? lastLength : recordSize;
                await _stream.ReadExactlyAsync(record.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                if (!cipher.TryOpen(RecordKind.Content, (ulong)chunk + 1, final, ManifestHash, record.AsSpan(0, length), plaintext))
                {
                    throw new QuarantineException($"item {Id} failed authentication at chunk {chunk + 1} of {count}: "
                        + "it is damaged or was tampered with (modified, truncated, extended or reordered), or the data key is wrong");
                }
                var plaintextLength = length - ChunkCipher.TagSize;
                hash.AppendData(plaintext, 0, plaintextLength);
                size += plaintextLength;
                await destination.WriteAsync(plaintext.AsMemory(0, plaintextLength), cancellationToken).ConfigureAwait(false);
            }
            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (size != Manifest.Size || !string.Equals(sha256, Manifest.Sha256, StringComparison.Ordinal))
            {
                throw new QuarantineException($"item {Id}: the decrypted content ({size} bytes, SHA-256 {sha256}) "
                    + $"does not match the manifest ({Manifest.Size} bytes, SHA-256 {Manifest.Sha256})");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(record);
            ArrayPool<byte>.Shared.Return(plaintext, clearArray: true);
        }
    }

    public void Dispose() => _stream.Dispose();

    private ChunkCipher NewCipher(ReadOnlySpan<byte> dataKey) => new(dataKey, Header.BaseNonce, Header.Hash());

    private static QuarantineItemReader Open(FileStream stream, string id)
    {
        var header = QuarantineHeader.Read(stream, id);
        if (!string.Equals(header.Id, id, StringComparison.Ordinal))
        {
            throw QuarantineHeader.Damaged(id, $"its header names item {header.Id}");
        }
        var length = stream.Length;
        Span<byte> word = stackalloc byte[4];
        stream.ReadExactly(word);
        var metadataLength = BinaryPrimitives.ReadInt32BigEndian(word);
        if (metadataLength is <= ChunkCipher.TagSize or > FileMetadataCodec.MaximumEncodedSize + ChunkCipher.TagSize)
        {
            throw QuarantineHeader.Damaged(id, $"metadata record length {metadataLength} out of range");
        }
        var metadataOffset = (long)header.Length + 4;
        var chunkAreaStart = metadataOffset + metadataLength;
        if (length < chunkAreaStart + ChunkCipher.TagSize + QuarantineManifest.TrailerSize)
        {
            throw QuarantineHeader.Damaged(id, "truncated");
        }
        Span<byte> trailer = stackalloc byte[QuarantineManifest.TrailerSize];
        stream.Position = length - QuarantineManifest.TrailerSize;
        stream.ReadExactly(trailer);
        var manifestLength = BinaryPrimitives.ReadInt32BigEndian(trailer);
        if (!trailer[4..].SequenceEqual(QuarantineManifest.TrailerMagic) || manifestLength is <= 0 or > QuarantineManifest.MaximumSize)
        {
            throw QuarantineHeader.Damaged(id, "no manifest trailer (truncated?)");
        }
        var chunkAreaEnd = length - QuarantineManifest.TrailerSize - manifestLength;
        if (chunkAreaEnd - chunkAreaStart < ChunkCipher.TagSize)
        {
            throw QuarantineHeader.Damaged(id, "no content chunk");
        }
        var manifestBytes = new byte[manifestLength];
        stream.Position = chunkAreaEnd;
        stream.ReadExactly(manifestBytes);
        var manifest = QuarantineManifest.Decode(manifestBytes, id);
        if (!string.Equals(manifest.Id, id, StringComparison.Ordinal)
            || !string.Equals(manifest.KeyFingerprint, Convert.ToHexStringLower(header.KeyFingerprint), StringComparison.Ordinal))
        {
            throw QuarantineHeader.Damaged(id, "its manifest does not match its header");
        }
        return new QuarantineItemReader(stream, id, header, manifest, QuarantineManifest.Hash(manifestBytes),
            metadataOffset, metadataLength, chunkAreaStart, chunkAreaEnd);
    }
}
