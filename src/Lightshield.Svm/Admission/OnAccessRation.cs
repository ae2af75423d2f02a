using Lightshield.Svm.Diagnostics;
using Microsoft.Extensions.Options;

namespace Lightshield.Svm.Admission;

/// <summary>
/// Decides the class of a request that claims on-access. The only legitimate source of on-access scans is the agent's
/// on-access path (a process is blocked until the verdict), but a tenant controls its VMs and speaks the protocol as it
/// likes, and the server cannot verify where a request comes from: a tenant could claim on-access for its whole mass
/// scan, which strict priority would then serve before every other tenant's on-demand work. So the server honours the
/// claim only within a ration per tenant: at most <see cref="AdmissionOptions.TenantOnAccessCap"/> on-access scans
/// running or queued at once, and a token bucket of <see cref="AdmissionOptions.TenantOnAccessRate"/> scans per second
/// (<see cref="AdmissionOptions.TenantOnAccessBurst"/> deep). A claim beyond the ration is demoted to on-demand, not
/// refused: an honest tenant's burst is still scanned, only not ahead of everyone else. Each demotion is counted; it is
/// logged at most once a minute per tenant.
/// </summary>
public sealed class OnAccessRation(IOptions<AdmissionOptions> options, TimeProvider time, ILogger<OnAccessRation> logger)
{
    /// <summary>Why a claim was demoted: the tenant has its share of on-access scans in flight already.</summary>
    public const string InFlightReason = "in_flight";

    /// <summary>Why a claim was demoted: the tenant's token bucket is empty.</summary>
    public const string RateReason = "rate";

    private static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);

    // Past this many tenants with state, idle tenants (nothing in flight, a full bucket) are forgotten: an unauthenticated
    // loopback server takes the tenant a client declares, which must not grow the table without bound.
    private const int PruneThreshold = 10_000;

    private readonly AdmissionOptions _options = options.Value;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TenantRation> _tenants = new(StringComparer.Ordinal);

    /// <summary>Called with the reason of each demotion (the metric).</summary>
    public Action<string>? Demoted { get; set; }

    /// <summary>On-access scans of <paramref name="tenant"/> honoured and not yet released.</summary>
    public int InFlight(string tenant)
    {
        lock (_lock)
        {
            return _tenants.TryGetValue(tenant, out var ration) ? ration.InFlight : 0;
        }
    }

    /// <summary>The class the request gets; dispose the claim when the request ends (answered, refused or cancelled).</summary>
    public PriorityClaim Claim(ScanPriority claimed, string tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (claimed != ScanPriority.OnAccess)
        {
            return new PriorityClaim(claimed, null, tenant);
        }
        string reason;
        bool log;
        int inFlight;
        lock (_lock)
        {
            var now = time.GetTimestamp();
            var ration = RationOf(tenant, now);
            ration.Refill(time.GetElapsedTime(ration.RefilledAt, now).TotalSeconds * _options.TenantOnAccessRate, _options.TenantOnAccessBurst);
            ration.RefilledAt = now;
            if (ration.InFlight >= _options.TenantOnAccessCap)
            {
                reason = InFlightReason;
            }
            else if (ration.Tokens < 1)
            {
                reason = RateReason;
            }
            else
            {
                ration.Tokens -= 1;
                ration.InFlight++;
                return new PriorityClaim(ScanPriority.OnAccess, this, tenant);
            }
            log = ration.LoggedAt is not { } logged || time.GetElapsedTime(logged, now) >= LogInterval;
            if (log)
            {
                ration.LoggedAt = now;
            }
            inFlight = ration.InFlight;
        }
        Demoted?.Invoke(reason);
        if (log)
        {
            SvmLog.OnAccessDemoted(logger, tenant, reason, inFlight, _options.TenantOnAccessCap, _options.TenantOnAccessRate);
        }
        return new PriorityClaim(ScanPriority.OnDemand, null, tenant);
    }

    internal void Release(string tenant)
    {
        lock (_lock)
        {
            if (_tenants.TryGetValue(tenant, out var ration) && ration.InFlight > 0)
            {
                ration.InFlight--;
            }
        }
    }

    private TenantRation RationOf(string tenant, long now)
    {
        if (_tenants.TryGetValue(tenant, out var ration))
        {
            return ration;
        }
        if (_tenants.Count >= PruneThreshold)
        {
            foreach (var (name, idle) in _tenants.ToArray())
            {
                var refill = time.GetElapsedTime(idle.RefilledAt, now).TotalSeconds * _options.TenantOnAccessRate;
                if (idle.InFlight == 0 && idle.Tokens + refill >= _options.TenantOnAccessBurst)
                {
                    _tenants.Remove(name);
                }
            }
        }
        ration = new TenantRation { Tokens = _options.TenantOnAccessBurst, RefilledAt = now };
        _tenants.Add(tenant, ration);
        return ration;
    }

    private sealed class TenantRation
    {
        public int InFlight { get; set; }

        public double Tokens { get; set; }

        public long RefilledAt { get; set; }

        public long? LoggedAt { get; set; }

        public void Refill(double tokens, int burst) => Tokens = Math.Min(burst, Tokens + tokens);
    }
}
