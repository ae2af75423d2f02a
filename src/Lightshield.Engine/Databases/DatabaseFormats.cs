using System.Collections.Frozen;

namespace Lightshield.Engine;

/// <summary>Which file names are ClamAV signature files, by extension (case-insensitive, like libclamav).</summary>
internal static class DatabaseFormats
{
    /// <summary>Extensions that libclamav's <c>cl_load</c> reads from a directory (CLI_DBEXT in libclamav 1.4).
    /// Everything else in the directory, including a loose <c>.info</c>, is ignored by libclamav and by the
    /// database version.</summary>
    private static readonly FrozenSet<string> Loaded = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        ".cvd", ".cld", ".cud", ".db", ".hdb", ".hdu", ".hsb", ".hsu", ".fp", ".sfp", ".mdb", ".mdu", ".msb", ".msu",
        ".ndb", ".ndu", ".ldb", ".ldu", ".sdb", ".zmd", ".rmd", ".pdb", ".gdb", ".wdb", ".cbc", ".ftm", ".cfg",
        ".cdb", ".cat", ".crb", ".idb", ".ioc", ".yar", ".yara", ".pwdb", ".ign", ".ign2", ".imp");

    private static readonly FrozenSet<string> WholeFileHashes = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase, ".hdb", ".hsb", ".hdu", ".hsu");

    /// <summary>Signatures that need the content: body (.db, .ndb, PE section and import hashes, icons, containers' metadata),
    /// logical (.ldb, bytecode, YARA) and phishing ones. Whole-file hashes, allow lists and configuration are not.</summary>
    private static readonly FrozenSet<string> ContentSignatures = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        ".db", ".ndb", ".ndu", ".mdb", ".mdu", ".msb", ".msu", ".imp", ".idb", ".cdb", ".ldb", ".ldu", ".cbc", ".yar", ".yara",
        ".pdb", ".gdb", ".wdb");

    /// <summary>A file of signatures that a cached clean verdict cannot be checked against without the content.</summary>
    public static bool IsContentSignatures(string fileName) => ContentSignatures.Contains(Path.GetExtension(fileName));

    /// <summary>A name libclamav loads from a database directory.</summary>
    public static bool IsLoaded(string fileName) => Loaded.Contains(Path.GetExtension(fileName));

    /// <summary>A name <see cref="DatabaseImporter"/> accepts: the loaded formats plus <c>.info</c>.</summary>
    public static bool IsImportable(string fileName) => IsLoaded(fileName) || IsInfo(fileName);

    public static bool IsInfo(string fileName) => Path.GetExtension(fileName).Equals(".info", StringComparison.OrdinalIgnoreCase);

    /// <summary>.cvd, .cld or .cud: a 512-byte header followed by a (possibly gzipped) tar archive.</summary>
    public static bool IsContainer(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() is ".cvd" or ".cld" or ".cud";

    /// <summary>.cvd and .cld are signed by their publisher; libclamav names their detections without a suffix.</summary>
    public static bool IsSignedContainer(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() is ".cvd" or ".cld";

    /// <summary>Whole-file hash signatures: <c>hash:size:name</c>.</summary>
    public static bool IsWholeFileHash(string fileName) => WholeFileHashes.Contains(Path.GetExtension(fileName));

    /// <summary>.hdu/.hsu hold "potentially unwanted application" hashes, loaded only with PUA detection.</summary>
    public static bool IsPua(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() is ".hdu" or ".hsu";

    public static string LoadedList => string.Join(' ', Loaded.Order(StringComparer.Ordinal));

    public static string ImportableList => LoadedList + " .info";
}
