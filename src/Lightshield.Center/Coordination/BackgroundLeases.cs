using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Coordination;

/// <summary>
/// This instance's side of the background leases (<see cref="BackgroundLease"/>): take or renew one, record a run,
/// release at stop. Every change is one conditional UPDATE of the job's row, so of several instances that try at once
/// exactly one holds it, on PostgreSQL (the second UPDATE re-reads the row the first committed) as on SQLite (one
/// writer at a time). Times come from the center's clock: instances are expected to agree within a few seconds (NTP),
/// well inside <see cref="Duration"/>.
/// </summary>
public sealed class BackgroundLeases(IServiceScopeFactory scopes, CenterInstance instance, TimeProvider time)
{
    /// <summary>How long a lease lasts without renewal: a holder that died is replaced after at most this plus
    /// <see cref="CheckInterval"/> (25 s).</summary>
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(20);

    /// <summary>How often the holder renews and the others look for an expired lease.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(5);

    public string InstanceId => instance.Id;

    /// <summary>Takes <paramref name="job"/>'s lease if it is free or expired, renews it if this instance holds it; the
    /// time its next run is due while held, null when another instance holds it.</summary>
    /// <param name="firstRunAt">When the job first runs, if no instance ever held its lease.</param>
    public async Task<DateTimeOffset?> HoldAsync(string job, DateTimeOffset firstRunAt, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var now = time.GetUtcNow();
        if (!await TakeOrRenewAsync(db, job, now, cancellationToken))
        {
            // Never held by anyone: create the row free (a concurrent creation by another instance is kept) and try again.
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO background_leases (\"Job\", \"Holder\", \"ExpiresAtUnixMs\", \"HeldSinceUnixMs\", \"NextRunAtUnixMs\") VALUES ({job}, {""}, {0L}, {0L}, {firstRunAt.ToUnixTimeMilliseconds()}) ON CONFLICT DO NOTHING",
                cancellationToken);
            if (!await TakeOrRenewAsync(db, job, now, cancellationToken))
            {
                return null;
            }
        }
        var next = await db.BackgroundLeases.AsNoTracking().Where(l => l.Job == job && l.Holder == instance.Id)
            .Select(l => (long?)l.NextRunAtUnixMs).FirstOrDefaultAsync(cancellationToken);
        return next is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    private async Task<bool> TakeOrRenewAsync(CenterDbContext db, string job, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var expiresMs = (now + Duration).ToUnixTimeMilliseconds();
        var me = instance.Id;
        var renewed = await db.BackgroundLeases.Where(l => l.Job == job && l.Holder == me)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.ExpiresAtUnixMs, expiresMs), cancellationToken);
        if (renewed == 1)
        {
            return true;
        }
        return await db.BackgroundLeases.Where(l => l.Job == job && l.ExpiresAtUnixMs <= nowMs)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Holder, me).SetProperty(l => l.ExpiresAtUnixMs, expiresMs)
                .SetProperty(l => l.HeldSinceUnixMs, nowMs), cancellationToken) == 1;
    }

    /// <summary>Records that <paramref name="job"/> ran and is next due at <paramref name="nextRunAt"/>; false when this
    /// instance no longer holds its lease.</summary>
    public async Task<bool> RanAsync(string job, DateTimeOffset nextRunAt, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var nextMs = nextRunAt.ToUnixTimeMilliseconds();
        return await db.BackgroundLeases.Where(l => l.Job == job && l.Holder == instance.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.NextRunAtUnixMs, nextMs), cancellationToken) == 1;
    }

    /// <summary>Gives <paramref name="job"/>'s lease up (at stop), so another instance takes it at its next check
    /// instead of after <see cref="Duration"/>.</summary>
    public async Task ReleaseAsync(string job, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        await db.BackgroundLeases.Where(l => l.Job == job && l.Holder == instance.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Holder, "").SetProperty(l => l.ExpiresAtUnixMs, 0L), cancellationToken);
    }

    /// <summary>Every job's lease, for the operators' view.</summary>
    public async Task<IReadOnlyList<BackgroundLease>> ListAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateSystemScope();
        return await scope.ServiceProvider.GetRequiredService<CenterDbContext>().BackgroundLeases.AsNoTracking().OrderBy(l => l.Job)
            .ToListAsync(cancellationToken);
    }
}
