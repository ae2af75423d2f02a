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
        var template = await db.PolicyTemplates.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        return template?.Json ?? BuiltInDefault;
    }

    public static string BuiltInDefault { get; } = PolicyJson.Serialize(new PolicyDocument
    {
        Schedules = [new ScanSchedule { Name = "nightly", Cron = "0 2 * * *", SpreadMinutes = 60 }],
    });
}
