using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Policies;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.ScanPolicies;

/// <summary>Reads the provider's default policy for any scope. The template holds no tenant data, so reading it
/// from a tenant's unit of work is safe; it is read in a system scope of its own, never widening the caller's.</summary>
public sealed class PolicyTemplates(IServiceScopeFactory scopes)
{
    /// <summary>The template's JSON, or the built-in default when the provider has not set one.</summary>
    public async Task<string> CurrentJsonAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        // The system scope sees every row: only the provider's own (TenantId null) is the template, never a row that
        // claims a tenant.
        var template = await db.PolicyTemplates.AsNoTracking().Where(t => t.TenantId == null).OrderBy(t => t.Id).FirstOrDefaultAsync(cancellationToken);
        return template?.Json ?? BuiltInDefault;
    }

    public static string BuiltInDefault { get; } = PolicyJson.Serialize(new PolicyDocument
    {
        Schedules = [new ScanSchedule { Name = "nightly", Cron = "0 2 * * *", SpreadMinutes = 60 }],
    });
}
