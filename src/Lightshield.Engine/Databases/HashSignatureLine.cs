using System.Buffers;
using System.Globalization;
using Lightshield.Verdicts;

namespace Lightshield.Engine;

/// <summary>Parses one line of a .hdb/.hsb/.hdu/.hsu file: <c>hash:size:name[:minflevel[:maxflevel]]</c>.</summary>
internal static class HashSignatureLine
{
    /// <summary>libclamav appends this to the names of signatures that do not come from a signed container.</summary>
    public const string UnofficialSuffix = ".UNOFFICIAL";

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>Returns null for comments, blank or malformed lines, and for signatures outside the engine's
    /// functionality level <paramref name="flevel"/> (libclamav skips those too).</summary>
    public static HashSignature? TryParse(string line, bool official, uint flevel)
    {
        var text = line.AsSpan().Trim();
        if (text.IsEmpty || text[0] == '#')
        {
            return null;
        }
        Span<Range> fields = stackalloc Range[6];
        var count = text.Split(fields, ':');
        if (count is < 3 or > 5)
        {
            return null;
        }
        var hashText = text[fields[0]];
        var algorithm = hashText.Length switch
        {
            32 => HashAlgorithmKind.Md5,
            40 => HashAlgorithmKind.Sha1,
            64 => HashAlgorithmKind.Sha256,
            _ => (HashAlgorithmKind)0,
        };
        if (algorithm == 0 || !IsHex(hashText))
        {
            return null;
        }
        var sizeText = text[fields[1]];
        long size;
        if (sizeText is "*")
        {
            size = HashSignature.AnySize;
        }
        else if (!long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out size))
        {
            return null;
        }
        var name = text[fields[2]].Trim();
        if (name.IsEmpty)
        {
            return null;
        }
        if (count >= 4 && !WithinLevel(text[fields[3]], flevel, minimum: true))
        {
            return null;
        }
        if (count == 5 && !WithinLevel(text[fields[4]], flevel, minimum: false))
        {
            return null;
        }
        var fullName = official ? name.ToString() : string.Concat(name, UnofficialSuffix);
        return new HashSignature(algorithm, Convert.FromHexString(hashText), size, fullName);
    }

    private static bool WithinLevel(ReadOnlySpan<char> text, uint flevel, bool minimum)
    {
        if (text.IsEmpty)
        {
            return true;
        }
        if (!uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var level))
        {
            return false;
        }
        return minimum ? level <= flevel : level >= flevel;
    }

    private static bool IsHex(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(HexDigits);
}
