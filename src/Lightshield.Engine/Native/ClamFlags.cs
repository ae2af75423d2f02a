namespace Lightshield.Engine.Native;

/// <summary>Flag values from clamav.h used by Lightshield.</summary>
internal static class ClamFlags
{
    public const uint InitDefault = 0x0;

    // CL_DB_*
    public const uint DbPhishing = 0x2;
    public const uint DbPhishingUrls = 0x8;
    public const uint DbPua = 0x10;
    public const uint DbBytecode = 0x2000;

    /// <summary>CL_DB_STDOPT: what clamscan and clamd load by default.</summary>
    public const uint DbStandard = DbPhishing | DbPhishingUrls | DbBytecode;

    // CL_SCAN_GENERAL_*
    public const uint GeneralHeuristics = 0x4;

    // CL_SCAN_PARSE_*
    public const uint ParseArchive = 0x1;
    public const uint ParseElf = 0x2;
    public const uint ParsePdf = 0x4;
    public const uint ParseSwf = 0x8;
    public const uint ParseHwp3 = 0x10;
    public const uint ParseXmlDocs = 0x20;
    public const uint ParseMail = 0x40;
    public const uint ParseOle2 = 0x80;
    public const uint ParseHtml = 0x100;
    public const uint ParsePe = 0x200;
    public const uint ParseOneNote = 0x400;
    public const uint ParseImage = 0x800;
    public const uint ParseImageFuzzyHash = 0x1000;

    /// <summary>Every parser except archives (those follow <see cref="EngineOptions.ScanArchives"/>), as clamscan.</summary>
    public const uint ParseAllButArchives = ParseElf | ParsePdf | ParseSwf | ParseHwp3 | ParseXmlDocs | ParseMail
        | ParseOle2 | ParseHtml | ParsePe | ParseOneNote | ParseImage | ParseImageFuzzyHash;

    // CL_SCAN_HEURISTIC_*
    public const uint HeuristicExceedsMax = 0x4;

    // CL_COUNTSIGS_*
    public const uint CountSignaturesAll = 0x1 | 0x2;
}
