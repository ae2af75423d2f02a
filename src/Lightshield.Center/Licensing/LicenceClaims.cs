namespace Lightshield.Center.Licensing;

/// <summary>What a licence asserts. Times are whole seconds (the signed form carries Unix seconds).</summary>
public sealed record LicenceClaims(Guid TenantId, long Serial, int Vcpus, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil, DateTimeOffset IssuedAt);
