using System.Net;
using Lightshield.Center.ScanPolicies;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;

namespace Lightshield.Center.Tests.Tenancy;

/// <summary>The provider's one action on a tenant's policies is visible in both logs: the tenant's and its own.</summary>
public abstract class PolicyResetAuditTests<TDatabase>(CenterFixture<TDatabase> fixture) : IntegrationTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    [Fact]
    public async Task A_policy_reset_by_the_provider_is_recorded_in_the_tenants_log_and_in_the_providers()
    {
        var tenant = await Driver.CreateTenantAsync();
        // Reading the group's policy gives it its own row (the default template) for the reset to put back.
        using (var policy = await Driver.Client(tenant.AdminToken).GetAsync($"/api/v1/agent-groups/{tenant.GroupId}/policy"))
        {
            Assert.Equal(HttpStatusCode.OK, policy.StatusCode);
        }

        using var reset = await Driver.Client(Center.ProviderToken).PostAsync($"/api/v1/tenants/{tenant.Id}/policy-reset", null);
        var answer = await IntegrationDriver.ReadAsync<PolicyResetResponse>(reset, HttpStatusCode.OK);
        Assert.Equal(1, answer.GroupsReset);

        var tenantRow = Assert.Single(await Driver.AuditAsync(tenant.AdminToken), row => row.Action == "policy.reset-by-provider");
        Assert.Equal($"tenant/{tenant.Id}", tenantRow.Target);
        Assert.Contains("\"groups\":1", tenantRow.Details, StringComparison.Ordinal);
        var providerRow = Assert.Single(await Driver.AuditAsync(Center.ProviderToken),
            row => row.Action == "policy.reset" && row.Target == $"tenant/{tenant.Id}");
        Assert.Equal(tenantRow.Actor, providerRow.Actor);
        Assert.Contains("\"groups\":1", providerRow.Details, StringComparison.Ordinal);
    }
}

public sealed class PolicyResetAuditTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : PolicyResetAuditTests<SqliteTestDatabase>(fixture);

public sealed class PolicyResetAuditTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : PolicyResetAuditTests<PostgresTestDatabase>(fixture);
