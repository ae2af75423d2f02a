using Lightshield.Center.Licensing;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Billing;

/// <summary>
/// Usage and the monthly billing report, read through the caller's database scope: the provider sees every tenant, a
/// tenant only itself (the query filters decide; nothing here filters by caller). Rolls the period up first, so the
/// report is current to the hour. Fields are defined in <c>docs/licensing.md</c>: per hour, the licensed vCPUs are the most
/// a genuine licence in force during the hour grants (still counted in its grace period, 0 after); overage
/// vCPU-seconds are the hour's vCPU-seconds beyond licensed × 3600, the peak overage the hour's peak beyond licensed.
/// </summary>
public sealed class UsageReports(UsageRollup rollup, LicenceSignatures signatures, IOptions<LicensingOptions> licensing, TimeProvider time)
{
    /// <summary>The hourly buckets of [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    public async Task<IReadOnlyList<(string TenantName, UsageHour Hour)>> HoursAsync(CenterDbContext db, DateTimeOffset from, DateTimeOffset to,
        Guid? tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await rollup.RollUpAsync(await VisibleTenantsAsync(db, tenantId, cancellationToken), from, to, cancellationToken);
        var start = UsageRollup.HourOf(from);
        var query = from hour in db.UsageHours.AsNoTracking()
                    join tenant in db.Tenants on hour.TenantId equals tenant.Id
                    where hour.Hour >= start && hour.Hour < to
                    select new { tenant.Name, Hour = hour };
        if (tenantId is { } id)
        {
            query = query.Where(h => h.Hour.TenantId == id);
        }
        var rows = await query.ToListAsync(cancellationToken);
        return [.. rows.OrderBy(r => r.Hour.Hour).ThenBy(r => r.Name, StringComparer.Ordinal).Select(r => (r.Name, r.Hour))];
    }

    public async Task<MonthlyReport> MonthlyAsync(CenterDbContext db, BillingMonth month, Guid? tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = time.GetUtcNow();
        var end = month.End < now ? month.End : now;
        var tenantQuery = db.Tenants.AsNoTracking();
        if (tenantId is { } id)
        {
            tenantQuery = tenantQuery.Where(t => t.Id == id);
        }
        var tenants = await tenantQuery.OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(cancellationToken);
        await rollup.RollUpAsync([.. tenants.Select(t => t.Id)], month.Start, month.End, cancellationToken);
        var start = month.Start;
        var monthEnd = month.End;
        var hours = (await db.UsageHours.AsNoTracking().Where(h => h.Hour >= start && h.Hour < monthEnd).ToListAsync(cancellationToken))
            .ToLookup(h => h.TenantId);
        var licences = (await db.TenantLicences.AsNoTracking().ToListAsync(cancellationToken)).ToLookup(l => l.TenantId);
        var grace = licensing.Value.GracePeriod;
        var rows = new List<TenantUsage>(tenants.Count);
        foreach (var tenant in tenants)
        {
            var genuine = new List<TenantLicence>();
            foreach (var licence in licences[tenant.Id].OrderByDescending(l => l.Serial))
            {
                if (await signatures.IsGenuineAsync(licence, cancellationToken))
                {
                    genuine.Add(licence);
                }
            }
            long vcpuSeconds = 0, overageSeconds = 0;
            int peak = 0, peakOverage = 0;
            foreach (var hour in hours[tenant.Id])
            {
                var licensed = LicensedDuring(genuine, hour.Hour, grace);
                vcpuSeconds += hour.VcpuSeconds;
                overageSeconds += Math.Max(0, hour.VcpuSeconds - (licensed * 3600L));
                peak = Math.Max(peak, hour.PeakVcpus);
                peakOverage = Math.Max(peakOverage, hour.PeakVcpus - licensed);
            }
            rows.Add(new TenantUsage(tenant.Id, tenant.Name, peak, vcpuSeconds, Hours(vcpuSeconds),
                LicensedAt(genuine, end - TimeSpan.FromSeconds(1), grace), Hours(overageSeconds), peakOverage));
        }
        return new MonthlyReport(month.ToString(), month.Start, end, now, Complete: now >= month.End, rows);
    }

    /// <summary>The tenants <paramref name="db"/>'s scope sees (narrowed to <paramref name="tenantId"/>): the only ones rolled up.</summary>
    private static async Task<List<Guid>> VisibleTenantsAsync(CenterDbContext db, Guid? tenantId, CancellationToken cancellationToken)
    {
        var query = db.Tenants.AsNoTracking().Select(t => t.Id);
        if (tenantId is { } id)
        {
            query = query.Where(t => t == id);
        }
        return await query.ToListAsync(cancellationToken);
    }

    /// <summary>vCPUs of the genuine licence in force at <paramref name="at"/> (highest serial begun; 0 once past its grace).</summary>
    public static int LicensedAt(IEnumerable<TenantLicence> genuineNewestFirst, DateTimeOffset at, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(genuineNewestFirst);
        var inForce = genuineNewestFirst.FirstOrDefault(l => l.ValidFrom <= at);
        return inForce is null || at >= inForce.ValidUntil + grace ? 0 : inForce.Vcpus;
    }

    /// <summary>The most vCPUs licensed at any instant of the hour from <paramref name="hour"/>: the licence in force changes
    /// only where one begins, so the hour's start and each start within it are the instants to look at. A licence granted
    /// or raised mid-hour covers that hour's usage.</summary>
    public static int LicensedDuring(IReadOnlyList<TenantLicence> genuineNewestFirst, DateTimeOffset hour, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(genuineNewestFirst);
        var end = hour + TimeSpan.FromHours(1);
        return genuineNewestFirst.Select(l => l.ValidFrom).Where(start => start > hour && start < end).Append(hour)
            .Max(at => LicensedAt(genuineNewestFirst, at, grace));
    }

    private static decimal Hours(long seconds) => Math.Round(seconds / 3600m, 4);
}

/// <summary>One tenant's line of the monthly report.</summary>
/// <param name="PeakVcpus">The most vCPUs present at one instant during the month.</param>
/// <param name="VcpuSeconds">Exact metered usage; <paramref name="VcpuHours"/> is it in hours (4 decimals).</param>
/// <param name="LicensedVcpus">vCPUs of the licence in force at the end of the period (0: none or expired).</param>
/// <param name="OverageVcpuHours">Σ over hours of the vCPU-seconds beyond that hour's licensed vCPUs × 3600, in hours.</param>
/// <param name="PeakOverageVcpus">The most vCPUs above the licence at one instant (0 when never over).</param>
public sealed record TenantUsage(Guid TenantId, string TenantName, int PeakVcpus, long VcpuSeconds, decimal VcpuHours, int LicensedVcpus,
    decimal OverageVcpuHours, int PeakOverageVcpus);

/// <param name="To">End of the period: the month's end, or now for the current month (<paramref name="Complete"/> false).</param>
public sealed record MonthlyReport(string Month, DateTimeOffset From, DateTimeOffset To, DateTimeOffset GeneratedAt, bool Complete,
    IReadOnlyList<TenantUsage> Tenants);
