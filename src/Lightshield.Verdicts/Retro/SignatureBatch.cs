using System.Diagnostics.CodeAnalysis;

namespace Lightshield.Verdicts;

/// <summary>One batch of whole-file hash signatures of the retro-active check, indexed the ways the tiers match
/// them. Reused between batches, so that millions of signatures pass through a bounded amount of memory.</summary>
internal sealed class SignatureBatch
{
    private readonly Dictionary<FileKey, string> _sha256BySizedKey = [];
    // FileKey with Size = AnySize: the SHA-256 words alone.
    private readonly Dictionary<FileKey, string> _sha256AnySize = [];
    private readonly Dictionary<(Md5Digest Md5, long Size), string> _md5BySize = [];
    private readonly Dictionary<Md5Digest, string> _md5AnySize = [];

    /// <summary>Signatures held (duplicates of a hash are held once: the first name wins).</summary>
    public int Count => _sha256BySizedKey.Count + _sha256AnySize.Count + _md5BySize.Count + _md5AnySize.Count;

    /// <summary>SHA-256 signatures with a size: exactly the keys of cache entries.</summary>
    public IReadOnlyDictionary<FileKey, string> Sha256BySizedKey => _sha256BySizedKey;

    /// <summary>MD5 signatures with a size: found in the shared tier through its MD5 index.</summary>
    public IReadOnlyDictionary<(Md5Digest Md5, long Size), string> Md5BySize => _md5BySize;

    /// <summary>Whether some signature can only be matched by visiting every entry (MD5, or any size).</summary>
    public bool NeedsFullPass => _md5BySize.Count > 0 || _md5AnySize.Count > 0 || _sha256AnySize.Count > 0;

    /// <summary>Adds a signature; <see langword="false"/> when it is ignored: SHA-1 (no tier keeps a SHA-1 of the
    /// content), a hash of the wrong length, an empty name or an invalid size.</summary>
    public bool Add(HashSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (string.IsNullOrEmpty(signature.Name) || signature.Size < HashSignature.AnySize || signature.Hash is null)
        {
            return false;
        }
        bool anySize = signature.Size == HashSignature.AnySize;
        switch (signature.Algorithm)
        {
            case HashAlgorithmKind.Sha256 when signature.Hash.Length == FileKey.HashLength:
                var key = FileKey.From(signature.Hash, 0) with { Size = signature.Size };
                (anySize ? _sha256AnySize : _sha256BySizedKey).TryAdd(key, signature.Name);
                return true;
            case HashAlgorithmKind.Md5 when signature.Hash.Length == Md5Digest.Length:
                var md5 = Md5Digest.From(signature.Hash);
                if (anySize)
                {
                    _md5AnySize.TryAdd(md5, signature.Name);
                }
                else
                {
                    _md5BySize.TryAdd((md5, signature.Size), signature.Name);
                }
                return true;
            default:
                return false;
        }
    }

    /// <summary>The name of the first signature matching an entry with this key and content MD5.</summary>
    public bool TryMatch(in FileKey key, Md5Digest md5, [NotNullWhen(true)] out string? name) =>
        _sha256BySizedKey.TryGetValue(key, out name)
        || _md5BySize.TryGetValue((md5, key.Size), out name)
        || _md5AnySize.TryGetValue(md5, out name)
        || (_sha256AnySize.Count > 0 && _sha256AnySize.TryGetValue(key with { Size = HashSignature.AnySize }, out name));

    public void Clear()
    {
        _sha256BySizedKey.Clear();
        _sha256AnySize.Clear();
        _md5BySize.Clear();
        _md5AnySize.Clear();
    }
}
