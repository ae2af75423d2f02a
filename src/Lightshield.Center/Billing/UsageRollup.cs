using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Billing;

/// <summary>
/// Rolls agent presence up into hourly buckets per tenant (<see cref="UsageHour"/>): recomputes every hour of a range
/// from the presence stretches, so running it again (or concurrently with new contacts) converges to the same rows.
/// Runs in a system scope for the tenants its caller sees (read through the caller's scope): it reads their presence
/// and writes only totals.
/// </summary>
public sealed class UsageRollup(IServiceScopeFactory scopes, AgentContactFlusher contacts, TimeProvider time)
{
    public static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>Recomputes the buckets of <paramref name="tenantIds"/> for the whole hours that overlap
    /// [<paramref name="from"/>, <paramref name="to"/>), never past now.</summary>
    public async Task RollUpAsync(IReadOnlyCollection<Guid> tenantIds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var start = HourOf(from);
        var end = Min(to, time.GetUtcNow());
        ArgumentNullException.ThrowIfNull(tenantIds);
        if (end <= start || tenantIds.Count == 0)
        {
            return;
        }
        // Presence this instance holds in memory counts too (decision 59).
        await contacts.FlushAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RollUpOnceAsync(tenantIds, start, end, cancellationToken);
                return;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // A concurrent roll-up wrote the same hours first; recompute against its rows.
            }
        }
    }

    private async Task RollUpOnceAsync(IReadOnlyCollection<Guid> tenantIds, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        // A tenant with its own center meters there; its hours arrive over the link and are not recomputed here.
        var linked = await db.LinkedCenters.Select(c => c.TenantId).Distinct().ToListAsync(cancellationToken);
        tenantIds = [.. tenantIds.Except(linked)];
        if (tenantIds.Count == 0)
        {
            return;
        }
        var stretches = await db.AgentPresences.AsNoTracking().Where(p => tenantIds.Contains(p.TenantId) && p.Until > start && p.From < end)
            .Select(p => new PresenceStretch(p.TenantId, p.Vcpus, p.From, p.Until)).ToListAsync(cancellationToken);
        var computed = Buckets(stretches, start, end).ToDictionary(b => (b.TenantId, b.Hour.UtcTicks));
        var existing = await db.UsageHours.Where(h => tenantIds.Contains(h.TenantId) && h.Hour >= start && h.Hour < end).ToListAsync(cancellationToken);
        foreach (var row in existing)
        {
            if (computed.Remove((row.TenantId, row.Hour.UtcTicks), out var bucket))
            {
                row.VcpuSeconds = bucket.VcpuSeconds;
                row.PeakVcpus = bucket.PeakVcpus;
            }
            else
            {
                db.UsageHours.Remove(row);
            }
        }
        db.UsageHours.AddRange(computed.Values);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The non-empty hourly buckets of [<paramref name="start"/>, <paramref name="end"/>) (start on a whole hour):
    /// vCPU-seconds are the overlap of each stretch with the hour times its vCPUs; the peak is the highest sum of vCPUs
    /// of stretches that overlap at one instant (a stretch covers [From, Until): one that ends when another begins does
    /// not overlap it).</summary>
    public static IEnumerable<UsageHour> Buckets(IReadOnlyList<PresenceStretch> stretches, DateTimeOffset start, DateTimeOffset end)
    {
        ArgumentNullException.ThrowIfNull(stretches);
        foreach (var tenant in stretches.Where(s => s.Until > s.From).GroupBy(s => s.TenantId))
        {
            for (var hour = start; hour < end; hour += Hour)
            {
                var hourEnd = hour + Hour;
                long seconds = 0;
                var changes = new List<(DateTimeOffset At, int Delta)>();
                foreach (var stretch in tenant)
                {
                    var from = Max(stretch.From, hour);
                    var until = Min(stretch.Until, hourEnd);
                    if (until <= from)
                    {
                        continue;
                    }
                    seconds += (long)Math.Round((until - from).TotalSeconds * stretch.Vcpus);
                    changes.Add((from, stretch.Vcpus));
                    changes.Add((until, -stretch.Vcpus));
                }
                if (changes.Count == 0)
                {
                    continue;
                }
                // Ends before starts at the same instant: [From, Until) stretches that only touch never overlap.
                var running = 0;
                var peak = 0;
                foreach (var change in changes.OrderBy(c => c.At).ThenBy(c => c.Delta))
                {
                    running += change.Delta;
                    peak = Math.Max(peak, running);
                }
                yield return new UsageHour { TenantId = tenant.Key, Hour = hour, VcpuSeconds = seconds, PeakVcpus = peak };
            }
        }
    }

    public static DateTimeOffset HourOf(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

/// <summary>What the roll-up needs of an <see cref="AgentPresence"/>.</summary>
public sealed record PresenceStretch(Guid TenantId, int Vcpus, DateTimeOffset From, DateTimeOffset Until);
