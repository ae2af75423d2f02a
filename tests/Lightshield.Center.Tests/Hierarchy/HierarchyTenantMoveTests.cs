using System.Net;
using System.Net.Http.Json;
using Lightshield.Center.Agents;
using Lightshield.Center.Audit;
using Lightshield.Center.Events;
using Lightshield.Center.Hierarchy.Moves;
using Lightshield.Center.Quarantine;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Testing;
using Microsoft.Data.Sqlite;

namespace Lightshield.Center.Tests.Hierarchy;

/// <summary>Issue #18, moving a tenant: a hosted tenant on the main center (PostgreSQL) with a real agent, a real scan
/// server and a quarantined EICAR moves into its own tenant center (SQLite) with its own scan server. The agent is
/// re-pointed at its next sync, without enrolling again, and keeps protecting; the tenant's rows are on the new center,
/// its quarantine still opens only with the tenant's secret, and the audit moved verifiably.</summary>
public sealed class HierarchyTenantMoveTests(LiveCenter<PostgresTestDatabase> main) : IClassFixture<LiveCenter<PostgresTestDatabase>>
{
    private const string Secret = "tenant-quarantine-secret-for-the-move-test";
    private const string Host = "host-move";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_hosted_tenant_moves_to_its_own_center_and_its_agent_keeps_protecting_with_its_data_and_audit_there()
    {
        var segmentId = await main.Driver.CreateSegmentAsync();
        var tenant = await main.Driver.CreateTenantAsync(segmentId);
        var hostedAdmin = main.Driver.Client(tenant.AdminToken);
        await using var mainServer = await LiveScanServer.StartAsync(main.GrpcAddress, main.CertificateFingerprint, main.Driver, Host,
            await main.Driver.SegmentNameAsync(segmentId));
        using (var key = await hostedAdmin.PostAsJsonAsync("/api/v1/quarantine/key", TenantSide.NewKey(Secret)))
        {
            Assert.Equal(HttpStatusCode.Created, key.StatusCode);
        }
        var tree = Directory.CreateTempSubdirectory("lightshield-move-tree-");
        var hostedPolicy = await HierarchyWorld.PutPolicyAsync(hostedAdmin, tenant.GroupId, tree.FullName);
        TenantLiveCenter<SqliteTestDatabase>? center = null;
        try
        {
            var before = Path.Combine(tree.FullName, "before.com");
            await File.WriteAllBytesAsync(before, TestSamples.Eicar());
            await using var agent = await LiveAgent.StartAsync(main.GrpcAddress, main.CertificateFingerprint,
                await main.Driver.EnrolmentTokenAsync(tenant), Host, main.Time);
            var enrolled = await EventuallyAsync(async () => (await HierarchyWorld.GetAsync<List<AgentResponse>>(hostedAdmin, "/api/v1/agents")).SingleOrDefault(),
                "the agent enrolled at the main center", agent);
            await EventuallyAsync(() => Task.FromResult(File.Exists(Path.Combine(agent.State.FullName, "assignment.json"))),
                "the agent was assigned the main center's scan server", agent);
            await HierarchyWorld.ScanAsync(hostedAdmin, enrolled.Id, before);
            var item = await EventuallyAsync(async () => (await HierarchyWorld.GetAsync<List<QuarantineItemResponse>>(hostedAdmin, "/api/v1/quarantine"))
                .SingleOrDefault(), "the EICAR was quarantined while hosted", agent);
            var hostedAudit = await main.Driver.AuditAsync(tenant.AdminToken);

            // The tenant's own center, with its own scan server in its own segment, linked to the main center.
            var link = await HierarchyWorld.LinkAsync(main, tenant.Id);
            center = await HierarchyWorld.StartTenantCenterAsync<SqliteTestDatabase>(link);
            AlignClocks(center);
            await center.ExchangeAsync();
            await using var ownServer = await LiveScanServer.StartAsync(center.GrpcAddress, center.CertificateFingerprint, center.Driver, Host, "default");

            using (var move = await main.Driver.Provider.PostAsJsonAsync($"/api/v1/tenant-centers/{link.Center.Id}/move-in",
                new MoveRequest(center.GrpcAddress.ToString(), center.CertificateFingerprint)))
            {
                Assert.Equal(HttpStatusCode.Accepted, move.StatusCode);
            }
            await center.ExchangeAsync();
            var moved = await IntegrationDriver.ReadAsync<TenantMoveView>(
                await main.Driver.Provider.GetAsync($"/api/v1/tenant-centers/{link.Center.Id}/move-in"), HttpStatusCode.OK);
            Assert.Equal(("applied", 1), (moved.State, moved.AgentsMoved));

            // The agent is re-pointed at its next sync and is assigned the new center's scan server: it synced there.
            var centerFile = Path.Combine(agent.State.FullName, "center.json");
            await EventuallyAsync(async () => File.Exists(centerFile)
                && (await File.ReadAllTextAsync(centerFile)).Contains(center.GrpcAddress.Authority, StringComparison.Ordinal),
                "the agent recorded its new center", agent, center);
            await EventuallyAsync(async () => (await File.ReadAllTextAsync(Path.Combine(agent.State.FullName, "assignment.json")))
                .Contains(ownServer.Address.Authority, StringComparison.Ordinal), "the agent synced with its new center", agent, center);

            var ownAdmin = center.Driver.Client(await HierarchyWorld.LoginAsync(center, tenant.Name));
            var agents = await HierarchyWorld.GetAsync<List<AgentResponse>>(ownAdmin, "/api/v1/agents");
            Assert.Equal((enrolled.Id, enrolled.CredentialId, "servers"), (agents.Single().Id, agents.Single().CredentialId, agents.Single().GroupName));
            var policy = await HierarchyWorld.GetAsync<Lightshield.Center.ScanPolicies.GroupPolicyResponse>(ownAdmin, $"/api/v1/agent-groups/{tenant.GroupId}/policy");
            Assert.Equal((hostedPolicy.Version, hostedPolicy.Policy.GetRawText()), (policy.Version, policy.Policy.GetRawText()));
            Assert.Single((await HierarchyWorld.GetAsync<EventPage>(ownAdmin, "/api/v1/events?type=detection")).Events, e => e.AgentId == enrolled.Id);
            Assert.Equal(item.Id, (await HierarchyWorld.GetAsync<List<QuarantineItemResponse>>(ownAdmin, "/api/v1/quarantine")).Single().Id);
            Assert.Equal(before, (await TenantSide.OpenPathsAsync(ownAdmin, Secret))[item.Id]);

            // Still protected: a new EICAR is found through the new center's scan server, and the old one is restored from there.
            var after = Path.Combine(tree.FullName, "after.com");
            await File.WriteAllBytesAsync(after, TestSamples.Eicar());
            await HierarchyWorld.ScanAsync(ownAdmin, enrolled.Id, after);
            await EventuallyAsync(async () => (await HierarchyWorld.GetAsync<List<QuarantineItemResponse>>(ownAdmin, "/api/v1/quarantine")).Count == 2,
                "the new EICAR was quarantined through the tenant's own center", agent, center);
            Assert.False(File.Exists(after));
            using (var restore = await TenantSide.RestoreAsync(ownAdmin, item.Id, Secret))
            {
                Assert.Equal(HttpStatusCode.Accepted, restore.StatusCode);
            }
            await EventuallyAsync(async () => (await HierarchyWorld.GetAsync<QuarantineItemResponse>(ownAdmin, $"/api/v1/quarantine/{item.Id}")).State == "restored",
                "the new center recorded the restore of the moved quarantine item", agent, center);
            Assert.True(File.Exists(before));

            // The audit moved verifiably: the digest both centers recorded covers the tenant's rows, and both chains verify.
            var movedIn = Assert.Single(await center.Driver.AuditAsync(await HierarchyWorld.LoginAsync(center, tenant.Name)), e => e.Action == "tenant.moved-in");
            Assert.Contains(moved.AuditDigest!, movedIn.Details, StringComparison.Ordinal);
            Assert.Contains((await main.Driver.AuditAsync(tenant.AdminToken)), e => e.Action == "tenant.moved-out"
                && e.Details.Contains(moved.AuditDigest!, StringComparison.Ordinal));
            Assert.True(hostedAudit.Count > 0);
            Assert.True((await VerifyAsync(center.Driver)).Valid);
            Assert.True((await VerifyAsync(main.Driver)).Valid);

            // And back: the tenant center pushes the tenant up and sends the agent to the main center, which renews its credential.
            using (var back = await main.Driver.Provider.PostAsJsonAsync($"/api/v1/tenant-centers/{link.Center.Id}/move-back",
                new MoveRequest(main.GrpcAddress.ToString(), main.CertificateFingerprint)))
            {
                Assert.Equal(HttpStatusCode.Accepted, back.StatusCode);
            }
            await center.ExchangeAsync();
            var movedBack = await IntegrationDriver.ReadAsync<TenantMoveView>(
                await main.Driver.Provider.GetAsync($"/api/v1/tenant-centers/{link.Center.Id}/move-in"), HttpStatusCode.OK);
            Assert.Equal(("back", "applied", 1), (movedBack.Direction, movedBack.State, movedBack.AgentsMoved));
            await EventuallyAsync(async () => (await File.ReadAllTextAsync(centerFile)).Contains(main.GrpcAddress.Authority, StringComparison.Ordinal),
                "the agent recorded the main center again", agent, center);
            await EventuallyAsync(async () => (await File.ReadAllTextAsync(Path.Combine(agent.State.FullName, "assignment.json")))
                .Contains(mainServer.Address.Authority, StringComparison.Ordinal), "the agent synced with the main center again", agent, center);
            var items = await HierarchyWorld.GetAsync<List<QuarantineItemResponse>>(hostedAdmin, "/api/v1/quarantine");
            Assert.Equal(2, items.Count);
            Assert.Equal("restored", items.Single(i => i.Id == item.Id).State);
            var home = Path.Combine(tree.FullName, "home.com");
            await File.WriteAllBytesAsync(home, TestSamples.Eicar());
            await HierarchyWorld.ScanAsync(hostedAdmin, enrolled.Id, home);
            await EventuallyAsync(async () => (await HierarchyWorld.GetAsync<List<QuarantineItemResponse>>(hostedAdmin, "/api/v1/quarantine")).Count == 3,
                "the EICAR was quarantined through the main center again", agent, center);
            Assert.Contains(await main.Driver.AuditAsync(tenant.AdminToken), e => e.Action == "tenant.moved-in"
                && e.Details.Contains(movedBack.AuditDigest!, StringComparison.Ordinal));
            Assert.True((await VerifyAsync(main.Driver)).Valid);

            // A moved row changed in the tenant center's database is caught.
            await using (var db = new SqliteConnection(center.Database.ConnectionString))
            {
                await db.OpenAsync();
                await using var tamper = db.CreateCommand();
                tamper.CommandText = "UPDATE moved_audit_log SET Actor = 'someone-else' WHERE Sequence = (SELECT MIN(Sequence) FROM moved_audit_log)";
                Assert.Equal(1, await tamper.ExecuteNonQueryAsync());
            }
            var broken = await VerifyAsync(center.Driver);
            Assert.False(broken.Valid);
            Assert.Contains("moved audit row", broken.Problem, StringComparison.Ordinal);
        }
        finally
        {
            if (center is not null)
            {
                await center.DisposeAsync();
            }
            tree.Delete(recursive: true);
        }
    }

    private static async Task<AuditVerification> VerifyAsync(IntegrationDriver driver) =>
        await IntegrationDriver.ReadAsync<AuditVerification>(await driver.Provider.PostAsync("/api/v1/audit/verify", null), HttpStatusCode.OK);

    /// <summary>The agent runs on the main center's clock and proves each call with a time: the tenant center's clock
    /// keeps step with it.</summary>
    private void AlignClocks(TenantLiveCenter<SqliteTestDatabase> center)
    {
        var (mainNow, ownNow) = (main.Time.GetUtcNow(), center.Time.GetUtcNow());
        if (ownNow < mainNow)
        {
            center.Time.SetUtcNow(mainNow);
        }
        else
        {
            main.Time.SetUtcNow(ownNow);
        }
    }

    /// <summary>Looks until <paramref name="probe"/> finds something, moving the fake clocks a second between looks so the
    /// agent's syncs and task ticks keep happening.</summary>
    private Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, LiveAgent agent, TenantLiveCenter<SqliteTestDatabase>? center = null)
        where T : class =>
        Eventually.FindAsync(probe, what, Patience, () =>
        {
            main.Time.Advance(TimeSpan.FromSeconds(1));
            center?.Time.Advance(TimeSpan.FromSeconds(1));
        }, agent);

    private Task EventuallyAsync(Func<Task<bool>> condition, string what, LiveAgent agent, TenantLiveCenter<SqliteTestDatabase>? center = null) =>
        Eventually.UntilAsync(condition, what, Patience, () =>
        {
            main.Time.Advance(TimeSpan.FromSeconds(1));
            center?.Time.Advance(TimeSpan.FromSeconds(1));
        }, agent);
}
