namespace Lightshield.Center.Scheduling;

/// <summary>The answer to a lease request: granted with its id and expiry, or refused with when to ask again.</summary>
public sealed record ScanLease(bool Granted, Guid LeaseId, DateTimeOffset ExpiresAt, TimeSpan RetryAfter)
{
    public static ScanLease Refused(TimeSpan retryAfter) => new(false, Guid.Empty, default, retryAfter);
}
