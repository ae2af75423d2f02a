namespace Lightshield.Verdicts;

/// <summary>Hash algorithms used by ClamAV hash signatures (.hdb/.hsb). Values frozen.</summary>
public enum HashAlgorithmKind : byte
{
    Md5 = 1,
    Sha1 = 2,
    Sha256 = 3,
}

/// <summary>One ClamAV whole-file hash signature: <c>hash:size:name</c>. <see cref="Size"/> is -1 when the
/// signature matches any size (<c>*</c>).</summary>
public sealed record HashSignature(HashAlgorithmKind Algorithm, byte[] Hash, long Size, string Name)
{
    public const long AnySize = -1;
}
