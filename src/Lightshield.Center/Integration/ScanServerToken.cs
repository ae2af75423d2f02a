using Lightshield.Center.Identity;
using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Integration;

/// <summary>A provider secret a scan server presents with its heartbeats (<c>Svm:CenterToken</c>). Only its SHA-256
/// is stored; the secret is shown once.</summary>
public sealed class ScanServerToken : IProviderInfrastructure, IRevocableSecret
{
    /// <summary>Prefix of scan-server token secrets.</summary>
    public const string Prefix = "lss_";

    public Guid Id { get; set; }

    public required string Name { get; set; }

    /// <summary>Lower-case hex SHA-256 of the secret.</summary>
    public required string SecretHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
