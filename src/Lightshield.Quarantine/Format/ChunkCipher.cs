using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Lightshield.Quarantine.Format;

/// <summary>AES-256-GCM over the records of one item, one data key per item.</summary>
/// <remarks>
/// Record <c>i</c> (0 = the metadata record, 1..n = content chunks) uses nonce = base nonce XOR i (i as a 64-bit
/// big-endian integer in the nonce's last 8 bytes): unique per record, and the key is fresh per item, so a
/// nonce never repeats under a key. The associated data is
/// <c>SHA-256(header) ‖ kind (1) ‖ i (8, big-endian) ‖ final (1) [‖ SHA-256(manifest), final chunk only]</c>.
/// The header hash binds the item id, wrapped key and base nonce; the index detects reordering; the final flag
/// detects truncation (the new last chunk was sealed as not final) and appending (the old last chunk was
/// sealed as final); the manifest hash makes the plaintext manifest tamper-evident at restore.
/// </remarks>
internal sealed class ChunkCipher : IDisposable
{
    public const int KeySize = 32;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    private const int MaximumAssociatedDataSize = 32 + 1 + 8 + 1 + 32;

    private readonly AesGcm _gcm;
    private readonly byte[] _baseNonce;
    private readonly byte[] _headerHash;

    public ChunkCipher(ReadOnlySpan<byte> dataKey, byte[] baseNonce, byte[] headerHash)
    {
        if (dataKey.Length != KeySize)
        {
            throw new QuarantineException($"a data key is {KeySize} bytes, not {dataKey.Length}");
        }
        _gcm = new AesGcm(dataKey, TagSize);
        _baseNonce = baseNonce;
        _headerHash = headerHash;
    }

    /// <summary>Encrypts <paramref name="plaintext"/> into <paramref name="sealedRecord"/> (ciphertext then tag,
    /// <c>plaintext.Length + 16</c> bytes).</summary>
    public void Seal(RecordKind kind, ulong index, bool final, ReadOnlySpan<byte> manifestHash, ReadOnlySpan<byte> plaintext, Span<byte> sealedRecord)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        Span<byte> associatedData = stackalloc byte[MaximumAssociatedDataSize];
        var aad = AssociatedData(kind, index, final, manifestHash, associatedData);
        Nonce(index, nonce);
        _gcm.Encrypt(nonce, plaintext, sealedRecord[..plaintext.Length], sealedRecord.Slice(plaintext.Length, TagSize), aad);
    }

    /// <summary>Verifies and decrypts a sealed record into <paramref name="plaintext"/>; false (and a cleared
    /// output) when the tag does not verify.</summary>
    public bool TryOpen(RecordKind kind, ulong index, bool final, ReadOnlySpan<byte> manifestHash, ReadOnlySpan<byte> sealedRecord, Span<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        Span<byte> associatedData = stackalloc byte[MaximumAssociatedDataSize];
        var aad = AssociatedData(kind, index, final, manifestHash, associatedData);
        Nonce(index, nonce);
        var length = sealedRecord.Length - TagSize;
        try
        {
            _gcm.Decrypt(nonce, sealedRecord[..length], sealedRecord[length..], plaintext[..length], aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    public void Dispose() => _gcm.Dispose();

    private void Nonce(ulong index, Span<byte> nonce)
    {
        _baseNonce.CopyTo(nonce);
        var counter = BinaryPrimitives.ReadUInt64BigEndian(nonce[4..]) ^ index;
        BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], counter);
    }

    private ReadOnlySpan<byte> AssociatedData(RecordKind kind, ulong index, bool final, ReadOnlySpan<byte> manifestHash, Span<byte> buffer)
    {
        _headerHash.CopyTo(buffer);
        buffer[32] = (byte)kind;
        BinaryPrimitives.WriteUInt64BigEndian(buffer[33..], index);
        buffer[41] = final ? (byte)1 : (byte)0;
        if (!final)
        {
            return buffer[..42];
        }
        manifestHash.CopyTo(buffer[42..]);
        return buffer;
    }
}
