using System.Security.Cryptography;

namespace Lightshield.Verdicts;

/// <summary>Spreads file keys over shards and table positions with a secret per-process seed. SHA-256 values are
/// uniform, but they are chosen by whoever submits files: anyone can grind contents whose hashes share their low
/// bits and so pile them into one probe run. Without the seed the table position cannot be predicted.</summary>
internal readonly struct KeyHasher(ulong seed)
{
    public static KeyHasher CreateRandom()
    {
        Span<byte> seed = stackalloc byte[sizeof(ulong)];
        RandomNumberGenerator.Fill(seed);
        return new KeyHasher(BitConverter.ToUInt64(seed));
    }

    public ulong Hash(in FileKey key)
    {
        // Folds the words in, then a 64-bit finaliser (splitmix64): every output bit depends on every input bit.
        ulong h = key.H0 ^ seed;
        h ^= ulong.RotateLeft(key.H1, 21) ^ ulong.RotateLeft((ulong)key.Size, 42);
        h ^= h >> 30;
        h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 27;
        h *= 0x94D049BB133111EBUL;
        h ^= h >> 31;
        return h;
    }
}
