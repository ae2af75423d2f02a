using System.Collections.Frozen;
using Lightshield.Protocol.Updates;

namespace Lightshield.Center.Updates;

/// <summary>Which file names the mirror accepts: plain names (no directory, no leading dot) with a ClamAV signature
/// extension, as they will be written into a scan server's database directory; and the provider's signature over the set
/// (<see cref="UpdateSignatureFile.FileName"/>, format <see cref="SignatureFormat"/>), which scan servers verify.</summary>
public static class UpdateFileNames
{
    public const int MaxLength = 100;

    /// <summary>The format of <see cref="UpdateSignatureFile.FileName"/>.</summary>
    public const string SignatureFormat = "signature";

    /// <summary>Signature formats a scan server's libclamav loads from its database directory.</summary>
    private static readonly FrozenSet<string> Distributed = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "cvd", "cld", "db", "hdb", "hdu", "hsb", "hsu", "fp", "sfp", "mdb", "mdu", "msb", "msu", "ndb", "ndu", "ldb", "ldu",
        "pdb", "gdb", "wdb", "cbc", "ftm", "cdb", "crb", "idb", "yar", "yara", "ign", "ign2");

    public static string AcceptedList => string.Join(", ", Distributed.Order(StringComparer.Ordinal).Append("cdiff").Select(e => "." + e))
        + " and " + UpdateSignatureFile.FileName;

    /// <summary>The format (extension without dot, lower case), or null with <paramref name="problem"/> set.</summary>
    public static string? Check(string name, out string? problem)
    {
        problem = null;
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength || name.StartsWith('.')
            || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')))
        {
            problem = $"'{name}': a file name must be 1 to {MaxLength} letters, digits, '.', '-' or '_', not starting with '.'";
            return null;
        }
        if (name == UpdateSignatureFile.FileName)
        {
            return SignatureFormat;
        }
        var format = Path.GetExtension(name).TrimStart('.').ToLowerInvariant();
        if (format != "cdiff" && !Distributed.Contains(format))
        {
            problem = $"'{name}': not a ClamAV signature file (accepted: {AcceptedList})";
            return null;
        }
        return format;
    }
}
