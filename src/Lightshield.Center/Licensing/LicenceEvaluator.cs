using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Lightshield.Center.Audit;
using Lightshield.Center.Billing;
using Lightshield.Center.Events;
using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Licensing;

/// <summary>
/// Works out a tenant's licence state now and records a change: the licence in force is the genuine licence with the
/// highest serial whose validity has begun (each one's signature is verified here, every time; a changed one is refused
/// and reported); the state follows from its end, the grace period and the active vCPUs. A change of state (or a newly
/// refused licence) goes into the tenant's event log and into the tenant's and the provider's audit logs, once. The
/// state never changes what agents are served: protection continues in every state.
/// </summary>
public sealed class LicenceEvaluator(IServiceScopeFactory scopes, LicenceSignatures signatures, IOptions<LicensingOptions> licensing,
    IOptions<BillingOptions> billing, AgentContactFlusher contacts, TimeProvider time)
{
    public const string StateEventType = "licence-state";
    public const string RefusedEventType = "licence-refused";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _tenantGates = new();

    /// <summary>Evaluates every tenant.</summary>
    public async Task EvaluateAllAsync(CancellationToken cancellationToken)
    {
        await contacts.FlushAsync(cancellationToken);
        List<Guid> tenants;
        await using (var scope = scopes.CreateSystemScope())
        {
            tenants = await scope.ServiceProvider.GetRequiredService<CenterDbContext>().Tenants.Select(t => t.Id).ToListAsync(cancellationToken);
        }
        foreach (var tenantId in tenants)
        {
            await EvaluateFlushedAsync(tenantId, cancellationToken);
        }
    }

    /// <summary>The tenant's state now, recorded (with its events) when it changed.</summary>
    public async Task<TenantLicenceStatus> EvaluateAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        // Active vCPUs follow the agents' last contact, which syncs leave in memory until the next flush (decision 59).
        await contacts.FlushAsync(cancellationToken);
        return await EvaluateFlushedAsync(tenantId, cancellationToken);
    }

    private async Task<TenantLicenceStatus> EvaluateFlushedAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        // Evaluations of one tenant in this process take turns: concurrent ones (a fleet enrolling at once) would only
        // collide on its status row. Another instance can still save first: then evaluate again from its result, after a
        // random pause so that the two do not collide again in step.
        var gate = _tenantGates.GetOrAdd(tenantId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await EvaluateOnceAsync(tenantId, cancellationToken);
                }
                catch (DbUpdateException) when (attempt < 8)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken); // real time: contention, not the clock
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<TenantLicenceStatus> EvaluateOnceAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var now = time.GetUtcNow();
        var active = await ActiveVcpus.OfTenantAsync(db, tenantId, now, billing.Value.PresenceGap, cancellationToken);
        var (licence, refused) = await InForceAsync(db, tenantId, now, cancellationToken);
        var state = StateOf(licence, active, now, licensing.Value.GracePeriod);
        var refusedText = string.Join(',', refused);

        var status = await db.LicenceStatuses.FirstOrDefaultAsync(s => s.TenantId == tenantId, cancellationToken);
        var isNew = status is null;
        status ??= new TenantLicenceStatus { TenantId = tenantId, State = LicenceState.None, ChangedAt = now };
        var previous = status.State;
        var newlyRefused = refused.Except(Serials(status.RefusedSerials)).ToList();
        var licensed = state == LicenceState.Expired || licence is null ? 0 : licence.Vcpus;
        var changed = isNew || previous != state || status.ActiveVcpus != active || status.LicensedVcpus != licensed
            || status.LicenceSerial != licence?.Serial || status.RefusedSerials != refusedText;
        if (!changed)
        {
            return status;
        }
        status.ActiveVcpus = active;
        status.LicensedVcpus = licensed;
        status.LicenceSerial = licence?.Serial;
        status.LicenceValidUntil = licence?.ValidUntil;
        status.RefusedSerials = refusedText;
        status.CheckedAt = now;
        status.Revision++;
        var details = new
        {
            from = previous.ToName(),
            to = state.ToName(),
            activeVcpus = active,
            licensedVcpus = licensed,
            licenceSerial = licence?.Serial,
            licenceValidUntil = licence?.ValidUntil,
        };
        if (previous != state)
        {
            status.State = state;
            status.ChangedAt = now;
            Record(db, tenantId, now, StateEventType, "licence.state", details);
        }
        foreach (var serial in newlyRefused)
        {
            Record(db, tenantId, now, RefusedEventType, "licence.refused",
                new { serial, reason = "the stored licence's signature does not match its fields: it was changed after it was signed" });
        }
        if (isNew)
        {
            db.LicenceStatuses.Add(status);
        }
        await db.SaveChangesAsync(cancellationToken);
        return status;
    }

    /// <summary>The genuine licence in force, and the serials of those refused on the way to it.</summary>
    internal async Task<(TenantLicence? Licence, List<long> Refused)> InForceAsync(CenterDbContext db, Guid tenantId, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var refused = new List<long>();
        var begun = await db.TenantLicences.AsNoTracking().Where(l => l.TenantId == tenantId && l.ValidFrom <= now)
            .OrderByDescending(l => l.Serial).ToListAsync(cancellationToken);
        foreach (var licence in begun)
        {
            if (await signatures.IsGenuineAsync(licence, cancellationToken))
            {
                return (licence, refused);
            }
            refused.Add(licence.Serial);
        }
        return (null, refused);
    }

    internal static LicenceState StateOf(TenantLicence? licence, int activeVcpus, DateTimeOffset now, TimeSpan gracePeriod)
    {
        if (licence is null)
        {
            return LicenceState.None;
        }
        if (now >= licence.ValidUntil + gracePeriod)
        {
            return LicenceState.Expired;
        }
        if (activeVcpus > licence.Vcpus)
        {
            return LicenceState.OverLicence;
        }
        return now >= licence.ValidUntil ? LicenceState.Grace : LicenceState.Ok;
    }

    private static IEnumerable<long> Serials(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => long.Parse(s, CultureInfo.InvariantCulture));

    /// <summary>One event in the tenant's event log (agent id empty: the center raised it) and one row in each audit log.</summary>
    private static void Record(CenterDbContext db, Guid tenantId, DateTimeOffset now, string eventType, string action, object details)
    {
        var payload = JsonSerializer.Serialize(details, Json);
        var unixMs = now.ToUnixTimeMilliseconds();
        db.AgentEvents.Add(new AgentEventRecord
        {
            TenantId = tenantId,
            EventId = Guid.NewGuid(),
            AgentId = Guid.Empty,
            Type = eventType,
            CreatedAtUnixMs = unixMs,
            ReceivedAtUnixMs = unixMs,
            PayloadJson = payload,
        });
        foreach (var log in new Guid?[] { tenantId, null })
        {
            db.AuditEntries.Add(new AuditEntry
            {
                // A distinct placeholder per row added in this save; the audit chain numbers them when it saves.
                Sequence = -1 - db.ChangeTracker.Entries<AuditEntry>().Count(),
                Time = now,
                Actor = "system",
                TenantId = log,
                Action = action,
                Target = $"tenant/{tenantId}",
                Details = payload,
            });
        }
    }
}
