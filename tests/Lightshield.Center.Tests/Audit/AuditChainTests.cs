using System.Net;
using System.Net.Http.Json;
using Lightshield.Center.Agents;
using Lightshield.Center.Audit;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Center.Tests.Audit;

/// <summary>Each test makes its own center database (the chain is global), edits it directly as someone with full
/// database access would, and expects the verifier to name the first broken row.</summary>
public abstract class AuditChainTests<TDatabase>(CenterFixture<TDatabase> fixture) : CenterTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    [Fact]
    public async Task Administrative_actions_are_chained_and_each_side_reads_only_its_own_log()
    {
        var tenant = await Center.CreateTenantAsync(Unique("audit"));
        (await Center.Client(tenant.AdminToken).PostAsJsonAsync("/api/v1/agent-groups", new AgentGroupRequest("web", null))).Dispose();

        var tenantLog = await Center.Client(tenant.AdminToken).GetFromJsonAsync<List<AuditEntryResponse>>("/api/v1/audit?limit=1000");
        Assert.Contains(tenantLog!, e => e.Action == "agent-group.create" && e.Actor == "user:admin");
        Assert.All(tenantLog!, e => Assert.Equal(tenant.Id, e.TenantId));
        var providerLog = await Center.Client(Center.ProviderToken).GetFromJsonAsync<List<AuditEntryResponse>>("/api/v1/audit?limit=1000");
        Assert.Contains(providerLog!, e => e.Action == "tenant.create" && e.Target == $"tenant/{tenant.Id}");
        Assert.All(providerLog!, e => Assert.Null(e.TenantId));

        var verification = await VerifyThroughApiAsync();
        Assert.True(verification.Valid, verification.Problem);
        Assert.True(verification.VerifiedRows >= 3);
    }

    [Fact]
    public async Task Verify_reports_a_row_edited_directly_in_the_database()
    {
        await Center.CreateTenantAsync(Unique("edit"));
        await Center.CreateTenantAsync(Unique("edit"));
        var target = await MiddleSequenceAsync();
        var changed = await Center.Database.ExecuteDirectAsync(
            $"UPDATE audit_log SET \"Details\" = '{{\"name\":\"forged\"}}' WHERE \"Sequence\" = {target}");
        Assert.Equal(1, changed);

        var verification = await VerifyThroughApiAsync();
        Assert.False(verification.Valid);
        Assert.Equal(target, verification.FirstBrokenSequence);
        Assert.Contains("changed", verification.Problem, StringComparison.Ordinal);
        await RestoreAsync();
    }

    [Fact]
    public async Task Verify_reports_a_row_deleted_directly_in_the_database()
    {
        await Center.CreateTenantAsync(Unique("delete"));
        await Center.CreateTenantAsync(Unique("delete"));
        var target = await MiddleSequenceAsync();
        Assert.Equal(1, await Center.Database.ExecuteDirectAsync($"DELETE FROM audit_log WHERE \"Sequence\" = {target}"));

        var verification = await VerifyThroughApiAsync();
        Assert.False(verification.Valid);
        Assert.Equal(target, verification.FirstBrokenSequence);
        Assert.Contains("missing", verification.Problem, StringComparison.Ordinal);
        await RestoreAsync();
    }

    [Fact]
    public async Task Verify_reports_rows_swapped_directly_in_the_database()
    {
        await Center.CreateTenantAsync(Unique("swap"));
        await Center.CreateTenantAsync(Unique("swap"));
        var target = await MiddleSequenceAsync();
        // Renumber two neighbours into each other's place, keeping every stored hash.
        await Center.Database.ExecuteDirectAsync($"UPDATE audit_log SET \"Sequence\" = -1 WHERE \"Sequence\" = {target}");
        await Center.Database.ExecuteDirectAsync($"UPDATE audit_log SET \"Sequence\" = {target} WHERE \"Sequence\" = {target + 1}");
        await Center.Database.ExecuteDirectAsync($"UPDATE audit_log SET \"Sequence\" = {target + 1} WHERE \"Sequence\" = -1");

        var verification = await VerifyThroughApiAsync();
        Assert.False(verification.Valid);
        Assert.Equal(target, verification.FirstBrokenSequence);
        await RestoreAsync();
    }

    [Fact]
    public async Task The_context_refuses_to_change_or_delete_an_audit_row()
    {
        await Center.CreateTenantAsync(Unique("append"));
        await using var scope = Center.Scope(TenantScope.System);
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var row = await db.AuditEntries.OrderBy(e => e.Sequence).FirstAsync();
        row.Details = "{}";
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task Only_a_provider_admin_may_verify()
    {
        var tenant = await Center.CreateTenantAsync(Unique("verify"));
        using var response = await Center.Client(tenant.AdminToken).PostAsync("/api/v1/audit/verify", null);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private async Task<AuditVerification> VerifyThroughApiAsync()
    {
        using var response = await Center.Client(Center.ProviderToken).PostAsync("/api/v1/audit/verify", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AuditVerification>())!;
    }

    private async Task<long> MiddleSequenceAsync()
    {
        await using var scope = Center.Scope(TenantScope.System);
        var count = await scope.ServiceProvider.GetRequiredService<CenterDbContext>().AuditEntries.LongCountAsync();
        Assert.True(count >= 3, $"only {count} audit rows");
        return count / 2 + 1;
    }

    /// <summary>The tests of a class share one center: empty the log so the next test starts from a valid chain
    /// (an empty chain is valid; new rows start again at sequence 1).</summary>
    private async Task RestoreAsync()
    {
        await Center.Database.ExecuteDirectAsync("DELETE FROM audit_log");
        var verification = await VerifyThroughApiAsync();
        Assert.True(verification.Valid, verification.Problem);
    }
}

public sealed class AuditChainTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : AuditChainTests<SqliteTestDatabase>(fixture);

public sealed class AuditChainTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : AuditChainTests<PostgresTestDatabase>(fixture);
