using System.Security.Cryptography;
using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Licensing;
using Lightshield.Center.Persistence;
using Lightshield.Center.ScanPolicies;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tenants;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Link;
using Lightshield.Protocol.Policies;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy;

/// <summary>On a tenant center: applies what came down the link: the tenant's row (created at the first exchange, with
/// the main center's id), suspension, the default policy template, the licence (kept only when its signature verifies),
/// the main center's scan servers for the tenant's segment and each reset order once, acknowledged upward.</summary>
public sealed class LinkApplier(PolicyReset reset, LinkedScanServers scanServers, IServiceScopeFactory scopes, TimeProvider time)
{
    public async Task ApplyAsync(CenterDbContext db, LinkState state, LinkExchangeResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(response);
        var now = time.GetUtcNow();
        var tenantId = Guid.Parse(response.TenantId);
        var tenant = await db.Tenants.FirstOrDefaultAsync(t => t.Id == tenantId, cancellationToken);
        if (tenant is null)
        {
            var segment = await SegmentEndpoints.DefaultAsync(db, time, cancellationToken);
            tenant = new Tenant { Id = tenantId, Name = response.TenantName, SegmentId = segment.Id, TimeZone = "UTC", CreatedAt = now };
            db.Tenants.Add(tenant);
            await db.SaveChangesAsync(cancellationToken);
            await CreateTenantAdminsAsync(db, tenantId, cancellationToken);
        }
        state.TenantId = tenantId;
        state.TenantName = response.TenantName;
        state.Suspended = response.Suspended;
        tenant.State = response.Suspended ? TenantState.Suspended : TenantState.Active;

        if (response.PolicyTemplate.Length > 0)
        {
            var json = PolicyJson.Serialize(PolicyJson.Parse(response.PolicyTemplate));
            var template = await db.PolicyTemplates.FirstOrDefaultAsync(t => t.TenantId == null, cancellationToken);
            if (template is null)
            {
                db.PolicyTemplates.Add(new PolicyTemplate { Id = Guid.NewGuid(), Json = json, Version = 1, UpdatedAt = now });
            }
            else if (template.Json != json)
            {
                template.Json = json;
                template.Version++;
                template.UpdatedAt = now;
            }
        }
        state.PolicyTemplateSha256 = response.PolicyTemplateSha256;
        if (response.Licence.Length > 0 && IsGenuine(response.Licence, response.LicenceKey, tenantId))
        {
            state.Licence = response.Licence;
            state.LicenceKey = response.LicenceKey;
        }
        await scanServers.StoreAsync(db, response.ScanServers, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);

        foreach (var order in response.ResetOrders)
        {
            var key = $"order:{order.OrderId}";
            if (await db.LinkMarks.AnyAsync(m => m.Key == key, cancellationToken))
            {
                continue;
            }
            var groups = await reset.ResetTenantAsync(tenantId, $"provider:{order.IssuedBy}", cancellationToken);
            await LinkOutbox.EnqueueAsync(db, state, key, "applied",
                new LinkUpItem { OrderApplied = new LinkOrderApplied { OrderId = order.OrderId, GroupsReset = groups } }, now, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>This center's own administrators are the tenant's people: each provider-admin of the center gets a
    /// tenant-admin of the same name and password in the tenant, so they can manage its agents and policies at once.</summary>
    private async Task CreateTenantAdminsAsync(CenterDbContext db, Guid tenantId, CancellationToken cancellationToken)
    {
        var admins = await db.Users.AsNoTracking().Where(u => u.TenantId == null && u.Role == Role.ProviderAdmin).ToListAsync(cancellationToken);
        await using var scope = scopes.CreateScope(TenantScope.ForTenant(tenantId));
        var services = scope.ServiceProvider;
        services.GetRequiredService<CurrentActor>().Name = "link";
        var tenantDb = services.GetRequiredService<CenterDbContext>();
        foreach (var admin in admins)
        {
            tenantDb.Users.Add(new User
            {
                Id = Guid.NewGuid(),
                UserName = admin.UserName,
                PasswordHash = admin.PasswordHash,
                Role = Role.TenantAdmin,
                MustChangePassword = admin.MustChangePassword,
                CreatedAt = time.GetUtcNow(),
            });
            services.GetRequiredService<AuditLog>().Record("user.create", $"tenant/{tenantId}", new { admin.UserName, role = Roles.TenantAdmin, via = "link" });
        }
        await tenantDb.SaveChangesAsync(cancellationToken);
    }

    /// <summary>True when the licence is for this tenant and signed by the key the main center named.</summary>
    public static bool IsGenuine(string licence, string key, Guid tenantId)
    {
        if (!LicenceFormat.TryDecode(licence, out var decoded, out _) || decoded.Claims.TenantId != tenantId)
        {
            return false;
        }
        try
        {
            var publicKey = CredentialPublicKey.Parse(key);
            if (publicKey.KeyId != decoded.KeyId)
            {
                return false;
            }
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(publicKey.SubjectPublicKeyInfo, out _);
            return ecdsa.VerifyData(decoded.SignedPart, decoded.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
