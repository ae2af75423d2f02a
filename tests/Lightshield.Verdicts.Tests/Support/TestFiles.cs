using System.Security.Cryptography;
using System.Text;

namespace Lightshield.Verdicts.Tests;

/// <summary>File contents made up by the tests, with the key and MD5 a scan server would compute for them.</summary>
internal static class TestFiles
{
    public static TestFile Make(string name)
    {
        var content = Encoding.UTF8.GetBytes($"Lightshield test file '{name}'\n");
#pragma warning disable CA5351 // ClamAV's .hdb signatures are MD5: the cache keeps what the scan server computes.
        return new TestFile(FileKey.Compute(content), MD5.HashData(content));
#pragma warning restore CA5351
    }

    /// <summary>A key built from a number, for tests that need many keys fast; <see cref="FileKey.Size"/> holds the number.</summary>
    /// <summary>A fresh site verdict key (32 random bytes).</summary>
    public static byte[] VerdictKey() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    public static FileKey NumberedKey(int number) =>
        new((ulong)number * 0x9E3779B97F4A7C15UL, (ulong)number, ~(ulong)number, 42, number);

    public static byte[] NumberedMd5(int number)
    {
        var md5 = new byte[16];
        BitConverter.TryWriteBytes(md5, number);
        return md5;
    }
}

internal sealed record TestFile(FileKey Key, byte[] Md5)
{
    public HashSignature Sha256Signature(string name, long? size = null) =>
        new(HashAlgorithmKind.Sha256, Key.Sha256(), size ?? Key.Size, name);

    public HashSignature Md5Signature(string name, long? size = null) =>
        new(HashAlgorithmKind.Md5, Md5, size ?? Key.Size, name);
}
