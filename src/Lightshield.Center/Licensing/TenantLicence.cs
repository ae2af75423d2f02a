using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Licensing;

/// <summary>One licence the provider granted a tenant: a number of vCPUs for a validity period, signed by the center.
/// Rows are never changed or deleted (a new licence supersedes, the history stays); the signature covers every field
/// that matters, so a changed row is refused when it is used (<see cref="LicenceSignatures"/>). Written in the tenant's
/// scope on the provider's behalf, readable by the provider.</summary>
[ProviderVisible]
public sealed class TenantLicence : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    /// <summary>1, 2, 3, ... per tenant: the highest serial in force supersedes the others.</summary>
    public long Serial { get; set; }

    public int Vcpus { get; set; }

    public DateTimeOffset ValidFrom { get; set; }

    public DateTimeOffset ValidUntil { get; set; }

    public DateTimeOffset IssuedAt { get; set; }

    /// <summary>Who granted it (<c>user:NAME</c>); not signed, for people.</summary>
    public string IssuedBy { get; set; } = "";

    /// <summary>Id of the center signing key that signed it.</summary>
    public required string KeyId { get; set; }

    /// <summary>ECDSA P-256 signature (IEEE P1363) over the licence's signed text part.</summary>
    public required byte[] Signature { get; set; }

    public LicenceClaims Claims => new(TenantId, Serial, Vcpus, ValidFrom, ValidUntil, IssuedAt);
}
