namespace Lightshield.Verdicts;

/// <summary>One L1 entry, 72 bytes with padding: the key, the content's MD5 (for retro-active MD5 signature checks),
/// the scan time and an id of the interned <see cref="VerdictShape"/>. No references, so the GC does not scan the
/// slot arrays.</summary>
internal struct MemorySlot
{
    public FileKey Key;
    public Md5Digest Md5;
    public long ScannedAtUtcTicks;
    public int ShapeId;
    /// <summary>Copy of the shape's kind, so the retro-active scan skips non-clean entries without a look-up.</summary>
    public VerdictKind Kind;
    /// <summary>CLOCK's second-chance bit: set by a hit, cleared by the passing hand.</summary>
    public bool Referenced;
}
