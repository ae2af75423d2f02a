using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Updates;

/// <summary>One imported signature set of the update mirror: its files (content-addressed by SHA-256) and what they
/// hold. Each import makes a new version; versions are never changed afterwards. Provider infrastructure.</summary>
public sealed class UpdateVersion : IProviderInfrastructure
{
    /// <summary>1, 2, 3...: the number scan servers report.</summary>
    public long Id { get; set; }

    /// <summary>The database version a scan server's engine reports once it runs exactly these files
    /// (<c>{highest cvd/cld version or 0}-{10 hex digits}</c>, the same formula as <c>lightshield db info</c>).</summary>
    public required string DatabaseVersion { get; set; }

    public string Description { get; set; } = "";

    /// <summary>Sum of the files' signature counts (CVD/CLD headers; lines of the provider's own files).</summary>
    public long SignatureCount { get; set; }

    public int FileCount { get; set; }

    public long TotalBytes { get; set; }

    public DateTimeOffset ImportedAt { get; set; }

    public required string ImportedBy { get; set; }
}
