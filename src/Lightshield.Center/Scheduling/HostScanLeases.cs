using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Scheduling;

/// <summary>
/// At most <see cref="SchedulingOptions.MaxFullScansPerHost"/> full scans per hypervisor host: an agent needs a lease
/// before a full scan starts, renews it by asking again while it runs, and releases it when done. An agent holds at most
/// one lease at a time (on any host): a slot is taken only when the agent holds no other unexpired one, in the same
/// conditional UPDATE. Works against the shared database, so any number of center instances enforce one cap.
/// </summary>
public sealed class HostScanLeases(CenterDbContext db, IOptions<SchedulingOptions> options, TimeProvider time)
{
    private readonly SchedulingOptions _options = options.Value;

    public async Task<ScanLease> AcquireAsync(string hypervisorHost, Guid agentId, string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(hypervisorHost);
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var expires = now + _options.LeaseDuration;
        var expiresMs = expires.ToUnixTimeMilliseconds();
        var leaseId = Guid.NewGuid();

        // Renewal first: the agent already holds a slot for this task.
        var held = await db.HostScanSlots.Where(s => s.HypervisorHost == hypervisorHost && s.AgentId == agentId && s.TaskId == taskId
                && s.ExpiresAtUnixMs > nowMs)
            .Select(s => new { s.Slot, s.LeaseId }).FirstOrDefaultAsync(cancellationToken);
        if (held is not null)
        {
            await db.HostScanSlots.Where(s => s.HypervisorHost == hypervisorHost && s.Slot == held.Slot && s.LeaseId == held.LeaseId)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.ExpiresAtUnixMs, expiresMs), cancellationToken);
            return new ScanLease(true, held.LeaseId!.Value, expires, TimeSpan.Zero);
        }
        if (await TakeFreeSlotAsync(hypervisorHost, agentId, taskId, leaseId, nowMs, expiresMs, cancellationToken))
        {
            return new ScanLease(true, leaseId, expires, TimeSpan.Zero);
        }
        // A host seen for the first time (or a raised cap) has no slot rows yet: create them and try once more.
        if (await db.HostScanSlots.CountAsync(s => s.HypervisorHost == hypervisorHost, cancellationToken) < _options.MaxFullScansPerHost)
        {
            await EnsureSlotsAsync(hypervisorHost, cancellationToken);
            if (await TakeFreeSlotAsync(hypervisorHost, agentId, taskId, leaseId, nowMs, expiresMs, cancellationToken))
            {
                return new ScanLease(true, leaseId, expires, TimeSpan.Zero);
            }
        }
        return ScanLease.Refused(_options.RetryAfter);
    }

    private async Task<bool> TakeFreeSlotAsync(string hypervisorHost, Guid agentId, string taskId, Guid leaseId, long nowMs, long expiresMs,
        CancellationToken cancellationToken)
    {
        for (var slot = 0; slot < _options.MaxFullScansPerHost; slot++)
        {
            var taken = await db.HostScanSlots
                .Where(s => s.HypervisorHost == hypervisorHost && s.Slot == slot && s.ExpiresAtUnixMs <= nowMs
                    && !db.HostScanSlots.Any(held => held.AgentId == agentId && held.ExpiresAtUnixMs > nowMs))
                .ExecuteUpdateAsync(u => u
                    .SetProperty(s => s.LeaseId, leaseId)
                    .SetProperty(s => s.AgentId, agentId)
                    .SetProperty(s => s.TaskId, taskId)
                    .SetProperty(s => s.ExpiresAtUnixMs, expiresMs), cancellationToken);
            if (taken == 1)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Frees the slot of <paramref name="leaseId"/> if <paramref name="agentId"/> holds it; false when it did not.</summary>
    public async Task<bool> ReleaseAsync(Guid leaseId, Guid agentId, CancellationToken cancellationToken = default) =>
        await db.HostScanSlots.Where(s => s.LeaseId == leaseId && s.AgentId == agentId)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.LeaseId, (Guid?)null)
                .SetProperty(s => s.AgentId, (Guid?)null)
                .SetProperty(s => s.TaskId, (string?)null)
                .SetProperty(s => s.ExpiresAtUnixMs, 0L), cancellationToken) == 1;

    /// <summary>Leases running on a host now.</summary>
    public async Task<int> ActiveAsync(string hypervisorHost, CancellationToken cancellationToken = default)
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        return await db.HostScanSlots.CountAsync(s => s.HypervisorHost == hypervisorHost && s.ExpiresAtUnixMs > nowMs, cancellationToken);
    }

    private async Task EnsureSlotsAsync(string hypervisorHost, CancellationToken cancellationToken)
    {
        // Idempotent and race-free on both databases: a slot another request created first is simply kept.
        for (var slot = 0; slot < _options.MaxFullScansPerHost; slot++)
        {
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO host_scan_slots (\"HypervisorHost\", \"Slot\", \"ExpiresAtUnixMs\") VALUES ({hypervisorHost}, {slot}, {0L}) ON CONFLICT DO NOTHING",
                cancellationToken);
        }
    }
}
