using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Lightshield.Quarantine.Vault;
using Microsoft.Win32.SafeHandles;

namespace Lightshield.Quarantine.Format;

/// <summary>Encrypts one file into the item format, streaming: at most two plaintext chunks and one sealed
/// chunk are in memory, whatever the file's size.</summary>
/// <remarks>Item layout: header ‖ metadata record (length (4) ‖ sealed metadata) ‖ content chunks ‖ manifest ‖
/// trailer. Every content chunk but the last holds exactly <c>chunkSize</c> plaintext bytes; the last holds
/// 0..chunkSize and is sealed as final, so an empty file is one empty sealed chunk.</remarks>
internal static class QuarantineItemWriter
{
    /// <summary>Writes the item for <paramref name="source"/> to <paramref name="output"/> and returns its manifest,
    /// completed with the SHA-256 and size of the bytes actually read.</summary>
    public static async Task<QuarantineManifest> WriteAsync(SafeFileHandle source, QuarantinePublicKey publicKey, int chunkSize,
        QuarantinedFileMetadata metadata, QuarantineManifest draft, Stream output, CancellationToken cancellationToken)
    {
        var itemId = QuarantineItemId.ToBytes(draft.Id);
        var dataKey = RandomNumberGenerator.GetBytes(ChunkCipher.KeySize);
        var current = ArrayPool<byte>.Shared.Rent(chunkSize);
        var next = ArrayPool<byte>.Shared.Rent(chunkSize);
        var sealedChunk = ArrayPool<byte>.Shared.Rent(chunkSize + ChunkCipher.TagSize);
        try
        {
            var header = new QuarantineHeader(chunkSize, itemId, publicKey.FingerprintBytes,
                RandomNumberGenerator.GetBytes(ChunkCipher.NonceSize), QuarantineKeys.WrapDataKey(publicKey, itemId, dataKey));
            var headerBytes = header.Encode();
            await output.WriteAsync(headerBytes, cancellationToken).ConfigureAwait(false);
            using var cipher = new ChunkCipher(dataKey, header.BaseNonce, SHA256.HashData(headerBytes));
            CryptographicOperations.ZeroMemory(dataKey);

            await WriteMetadataAsync(cipher, metadata, output, cancellationToken).ConfigureAwait(false);

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            ulong index = 1;
            var currentLength = await ReadChunkAsync(source, current, chunkSize, 0, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                // Look one chunk ahead: the last chunk must be known as such when it is sealed.
                var nextLength = currentLength == chunkSize
                    ? await ReadChunkAsync(source, next, chunkSize, size + currentLength, cancellationToken).ConfigureAwait(false)
                    : 0;
                hash.AppendData(current, 0, currentLength);
                size += currentLength;
                var final = nextLength == 0;
                byte[] manifestBytes = [];
                if (final)
                {
                    draft = draft with { Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset()), Size = size };
                    manifestBytes = draft.Encode();
                }
                cipher.Seal(RecordKind.Content, index, final, final ? QuarantineManifest.Hash(manifestBytes) : [],
                    current.AsSpan(0, currentLength), sealedChunk);
                await output.WriteAsync(sealedChunk.AsMemory(0, currentLength + ChunkCipher.TagSize), cancellationToken).ConfigureAwait(false);
                if (final)
                {
                    await output.WriteAsync(manifestBytes, cancellationToken).ConfigureAwait(false);
                    await output.WriteAsync(QuarantineManifest.Trailer(manifestBytes.Length), cancellationToken).ConfigureAwait(false);
                    return draft;
                }
                (current, next) = (next, current);
                currentLength = nextLength;
                index++;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
            ArrayPool<byte>.Shared.Return(current, clearArray: true);
            ArrayPool<byte>.Shared.Return(next, clearArray: true);
            ArrayPool<byte>.Shared.Return(sealedChunk, clearArray: true);
        }
    }

    private static async Task WriteMetadataAsync(ChunkCipher cipher, QuarantinedFileMetadata metadata, Stream output, CancellationToken cancellationToken)
    {
        var plaintext = FileMetadataCodec.Encode(metadata);
        var record = new byte[4 + plaintext.Length + ChunkCipher.TagSize];
        BinaryPrimitives.WriteInt32BigEndian(record, plaintext.Length + ChunkCipher.TagSize);
        cipher.Seal(RecordKind.Metadata, 0, final: false, [], plaintext, record.AsSpan(4));
        CryptographicOperations.ZeroMemory(plaintext);
        await output.WriteAsync(record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Fills <paramref name="buffer"/> up to <paramref name="chunkSize"/> bytes; fewer only at end of file.</summary>
    private static async Task<int> ReadChunkAsync(SafeFileHandle source, byte[] buffer, int chunkSize, long offset, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < chunkSize)
        {
            var read = await RandomAccess.ReadAsync(source, buffer.AsMemory(filled, chunkSize - filled), offset + filled, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }
            filled += read;
        }
        return filled;
    }
}
