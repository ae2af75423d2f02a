using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lightshield.Verdicts;

/// <summary>The version string of a set of signature files, as an engine that loaded exactly them reports it and as
/// the center's update mirror predicts it: <c>{highest .cvd/.cld version or 0}-{first 10 hex digits of a SHA-256
/// over, per file in ordinal name order, the UTF-8 name, a zero byte, the length (8 bytes, big-endian) and the
/// content's SHA-256}</c>. It changes whenever any file is added, removed, renamed or changed.</summary>
public static class SignatureSetVersion
{
    /// <param name="files">Each file's name, length, SHA-256 (hex) and container version (null for plain files).</param>
    public static string Of(IEnumerable<(string Name, long Length, string Sha256, int? ContainerVersion)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[8];
        var highest = 0;
        foreach (var file in files.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            digest.AppendData(Encoding.UTF8.GetBytes(file.Name));
            digest.AppendData([0]);
            BinaryPrimitives.WriteInt64BigEndian(length, file.Length);
            digest.AppendData(length);
            digest.AppendData(Convert.FromHexString(file.Sha256));
            highest = Math.Max(highest, file.ContainerVersion ?? 0);
        }
        var hex = Convert.ToHexStringLower(digest.GetHashAndReset());
        return string.Create(CultureInfo.InvariantCulture, $"{highest}-{hex[..10]}");
    }
}
