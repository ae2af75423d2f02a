using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Licensing;

/// <summary>
/// Tenant licences: the provider grants (a new licence supersedes the one in force, every licence stays in the
/// history); everyone reads through their own database scope (a tenant its own licences and state, the provider every
/// tenant's). Granting writes in the tenant's own scope (the provider's scope cannot write tenant rows) with an audit row
/// in the tenant's log naming the provider's actor; the caller records the provider's own audit row.
/// </summary>
public sealed class TenantLicences(IServiceScopeFactory scopes, LicenceSignatures signatures, LicenceEvaluator evaluator, TimeProvider time)
{
    public const int MaxVcpus = 10_000_000;

    /// <summary>Signs and stores a new licence for <paramref name="tenantId"/>, audited in the tenant's log and the
    /// provider's; the state is evaluated again at once.</summary>
    public async Task<TenantLicence> GrantAsync(Guid tenantId, int vcpus, DateTimeOffset? validFrom, DateTimeOffset validUntil, string providerActor,
        CancellationToken cancellationToken)
    {
        var now = WholeSeconds(time.GetUtcNow());
        var from = WholeSeconds(validFrom ?? now);
        var until = WholeSeconds(validUntil);
        if (vcpus is < 0 or > MaxVcpus)
        {
            throw new ArgumentOutOfRangeException(nameof(vcpus), vcpus, $"a licence grants 0 to {MaxVcpus} vCPUs");
        }
        if (until <= from)
        {
            throw new ArgumentException("a licence must end after it begins", nameof(validUntil));
        }
        TenantLicence licence;
        string tenantName;
        await using (var scope = scopes.CreateScope(TenantScope.ForTenant(tenantId)))
        {
            scope.ServiceProvider.GetRequiredService<CurrentActor>().Name = providerActor;
            var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
            tenantName = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.Name).SingleAsync(cancellationToken);
            var serial = (await db.TenantLicences.MaxAsync(l => (long?)l.Serial, cancellationToken) ?? 0) + 1;
            var claims = new LicenceClaims(tenantId, serial, vcpus, from, until, now);
            var (keyId, signature) = await signatures.SignAsync(claims, cancellationToken);
            licence = new TenantLicence
            {
                Id = Guid.NewGuid(),
                TenantId = tenantId,
                Serial = serial,
                Vcpus = vcpus,
                ValidFrom = from,
                ValidUntil = until,
                IssuedAt = now,
                IssuedBy = providerActor,
                KeyId = keyId,
                Signature = signature,
            };
            db.TenantLicences.Add(licence);
            scope.ServiceProvider.GetRequiredService<AuditLog>().Record("licence.grant", $"licence/{licence.Id}",
                new { serial, vcpus, validFrom = from, validUntil = until });
            await db.SaveChangesAsync(cancellationToken);
        }
        await scopes.RecordAsync(providerActor, "licence.grant", $"tenant/{tenantId}",
            new { Name = tenantName, licence.Serial, licence.Vcpus, licence.ValidFrom, licence.ValidUntil }, cancellationToken);
        await evaluator.EvaluateAsync(tenantId, cancellationToken);
        return licence;
    }

    /// <summary>The licence's text form (signature included), for export and <c>licences verify</c>.</summary>
    public static string TextOf(TenantLicence licence)
    {
        ArgumentNullException.ThrowIfNull(licence);
        return LicenceFormat.Encode(licence.Claims, licence.KeyId, licence.Signature);
    }

    /// <summary>The licences <paramref name="db"/>'s scope sees, newest first, each with whether its signature still matches.</summary>
    public async Task<IReadOnlyList<(TenantLicence Licence, bool Genuine)>> ListAsync(CenterDbContext db, Guid? tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = db.TenantLicences.AsNoTracking();
        if (tenantId is { } id)
        {
            query = query.Where(l => l.TenantId == id);
        }
        var licences = await query.OrderBy(l => l.TenantId).ThenByDescending(l => l.Serial).ToListAsync(cancellationToken);
        var result = new List<(TenantLicence, bool)>(licences.Count);
        foreach (var licence in licences)
        {
            result.Add((licence, await signatures.IsGenuineAsync(licence, cancellationToken)));
        }
        return result;
    }

    /// <summary>The licence state of every tenant <paramref name="db"/>'s scope sees, evaluated now.</summary>
    public async Task<IReadOnlyList<(string TenantName, TenantLicenceStatus Status)>> StatusAsync(CenterDbContext db, Guid? tenantId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = db.Tenants.AsNoTracking();
        if (tenantId is { } id)
        {
            query = query.Where(t => t.Id == id);
        }
        var tenants = await query.OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(cancellationToken);
        var result = new List<(string, TenantLicenceStatus)>(tenants.Count);
        foreach (var tenant in tenants)
        {
            result.Add((tenant.Name, await evaluator.EvaluateAsync(tenant.Id, cancellationToken)));
        }
        return result;
    }

    private static DateTimeOffset WholeSeconds(DateTimeOffset value) => DateTimeOffset.FromUnixTimeSeconds(value.ToUnixTimeSeconds());
}
