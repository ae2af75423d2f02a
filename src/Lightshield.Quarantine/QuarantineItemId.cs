using System.Security.Cryptography;

namespace Lightshield.Quarantine;

/// <summary>Item ids: 16 random bytes, written as 32 lower-case hex digits. Random, so an id says nothing about
/// the file, and validated before it becomes part of a path.</summary>
public static class QuarantineItemId
{
    public const int Size = 16;

    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(Size));

    public static bool IsValid(string id) => id.Length == Size * 2 && id.All(char.IsAsciiHexDigitLower);

    /// <summary>The canonical (lower-case) id, or a <see cref="QuarantineException"/> for anything else.</summary>
    public static string Normalize(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var lower = id.Trim().ToLowerInvariant();
        return IsValid(lower) ? lower : throw new QuarantineException($"'{id}' is not a quarantine item id (32 hex digits)");
    }

    public static byte[] ToBytes(string id) => Convert.FromHexString(Normalize(id));
}
