namespace Lightshield.Engine.Native;

/// <summary>The subset of <c>enum cl_engine_field</c> (clamav.h) that Lightshield sets. Values are the C enum's.</summary>
internal enum ClamEngineField
{
    /// <summary>uint64: bytes scanned per file, archive members included.</summary>
    MaxScanSize = 0,

    /// <summary>uint64: largest file (or archive member) scanned.</summary>
    MaxFileSize = 1,

    /// <summary>uint32: deepest archive nesting.</summary>
    MaxRecursion = 2,

    /// <summary>uint32: most files scanned inside one container.</summary>
    MaxFiles = 3,

    /// <summary>uint32: database load options (CL_DB_*), read-only after load.</summary>
    DatabaseOptions = 7,

    /// <summary>uint32: version of the loaded daily/main database, 0 without CVDs.</summary>
    DatabaseVersion = 8,

    /// <summary>char*: directory for extracted archive members.</summary>
    TemporaryDirectory = 13,

    /// <summary>uint32: keep extracted files (never on here).</summary>
    KeepTemporaryFiles = 14,

    /// <summary>uint32: milliseconds per scan.</summary>
    MaxScanTime = 31,
}
