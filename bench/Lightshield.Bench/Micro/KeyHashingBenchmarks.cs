using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Lightshield.Verdicts;

namespace Lightshield.Bench.Micro;

/// <summary>The hashing on the scan path: the client's file key (SHA-256 + size) and the scan server's digest of
/// what it received (SHA-256 to check the key, MD5 for the cache's later MD5 signature checks).</summary>
public class KeyHashingBenchmarks
{
    private byte[] _content = [];

    [Params(4 * 1024, 1024 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _content = new byte[Size];
        new Random(1).NextBytes(_content);
    }

    [Benchmark(Baseline = true, Description = "SHA256.HashData")]
    public byte Sha256()
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(_content, hash);
        return hash[0];
    }

    [Benchmark(Description = "FileKey.Compute (client)")]
    public FileKey FileKeyCompute() => FileKey.Compute(_content);

    [Benchmark(Description = "SHA-256 + MD5 (server)")]
    public byte ServerDigest()
    {
        Span<byte> sha256 = stackalloc byte[32];
        Span<byte> md5 = stackalloc byte[16];
        SHA256.HashData(_content, sha256);
#pragma warning disable CA5351 // as the scan server: MD5 identifies content for ClamAV's .hdb signatures
        MD5.HashData(_content, md5);
#pragma warning restore CA5351
        return (byte)(sha256[0] ^ md5[0]);
    }
}
