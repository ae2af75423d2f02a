using System.Net.Http.Json;
using System.Text.Json;
using Lightshield.Center.Persistence;
using Lightshield.Center.ScanPolicies;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Center.Tests.Tenancy;

/// <summary>A policy-template row that claims a tenant (written by a tenant's scope, which the write guard allows for
/// a tenant-or-provider row) must never become the default every other tenant's new groups start from.</summary>
public abstract class PolicyTemplateAdversarialTests<TDatabase>(CenterFixture<TDatabase> fixture) : CenterTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    [Fact]
    public async Task A_template_row_of_a_tenant_is_not_the_providers_default_for_anyone()
    {
        var attacker = await Center.CreateTenantAsync(Unique("planter"));
        const string Planted = """{"onAccess":{"enabled":false},"schedules":[{"name":"planted-by-a-tenant","cron":"* * * * *"}]}""";
        await using (var scope = Center.Scope(TenantScope.ForTenant(attacker.Id)))
        {
            var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
            db.PolicyTemplates.Add(new PolicyTemplate { Id = Guid.NewGuid(), TenantId = attacker.Id, Version = 1, Json = Planted, UpdatedAt = Center.Time.GetUtcNow() });
            await db.SaveChangesAsync();
        }

        var json = await Center.Services.GetRequiredService<PolicyTemplates>().CurrentJsonAsync(default);
        Assert.Equal(PolicyTemplates.BuiltInDefault, json);

        var victim = await Center.CreateTenantAsync(Unique("victim"));
        using var group = await Center.Client(victim.AdminToken).PostAsJsonAsync("/api/v1/agent-groups", new Agents.AgentGroupRequest("web", null));
        var groupId = JsonDocument.Parse(await group.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        var policy = await Center.Client(victim.AdminToken).GetStringAsync($"/api/v1/agent-groups/{groupId}/policy");
        Assert.DoesNotContain("planted-by-a-tenant", policy, StringComparison.Ordinal);
        Assert.Contains("nightly", policy, StringComparison.Ordinal);
    }
}

public sealed class PolicyTemplateAdversarialTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : PolicyTemplateAdversarialTests<SqliteTestDatabase>(fixture);

public sealed class PolicyTemplateAdversarialTests_Postgres(CenterFixture<PostgresTestDatabase> fixture)
    : PolicyTemplateAdversarialTests<PostgresTestDatabase>(fixture);
