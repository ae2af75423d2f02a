using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Updates;

/// <summary>A file of an <see cref="UpdateVersion"/>: its name in the scan server's database directory and the
/// SHA-256 of its content in the <see cref="UpdateStore"/>. Provider infrastructure.</summary>
public sealed class UpdateVersionFile : IProviderInfrastructure
{
    public long Id { get; set; }

    public long VersionId { get; set; }

    public required string Name { get; set; }

    /// <summary>Lower-case hex.</summary>
    public required string Sha256 { get; set; }

    public long Length { get; set; }

    /// <summary>The extension without the dot: cvd, cld, cdiff, ndb, hdb...</summary>
    public required string Format { get; set; }

    /// <summary>For .cvd/.cld: the database's own version from its header (and for .cdiff the version it produces).</summary>
    public int? DatabaseVersion { get; set; }

    public long? Signatures { get; set; }

    /// <summary>For .cvd/.cld: the build time in its header.</summary>
    public DateTimeOffset? BuildTime { get; set; }

    /// <summary>False for files kept in the mirror but not sent to scan servers (.cdiff: not applied, see docs/updates.md).</summary>
    public bool Distributed { get; set; }
}
