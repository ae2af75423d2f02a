using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Lightshield.Verdicts;

/// <summary>Identifies everything besides the signature database that can change a verdict: the engine
/// version and the verdict-relevant engine settings. Scan servers with the same profile share cache entries.</summary>
public readonly record struct ScanProfile(ulong Id)
{
    /// <summary>Derives the profile from a canonical description such as
    /// <c>engine=1.4.6;heuristics=1;pua=0;maxfilesize=...</c>. Equal descriptions give equal profiles.</summary>
    public static ScanProfile FromDescription(string canonicalDescription) =>
        new(XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(canonicalDescription)));

    public override string ToString() => Id.ToString("x16", CultureInfo.InvariantCulture);
}
