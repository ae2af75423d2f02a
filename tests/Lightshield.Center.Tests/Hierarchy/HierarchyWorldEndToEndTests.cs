extern alias agent;
using System.Net;
using System.Net.Http.Json;
using agent::Lightshield.Agent.Center;
using Lightshield.Center.Events;
using Lightshield.Center.Hierarchy;
using Lightshield.Center.Hierarchy.Moves;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Center.Tests.Sites;
using Lightshield.Protocol.Policies;
using Lightshield.Testing;

namespace Lightshield.Center.Tests.Hierarchy;

/// <summary>Issue #18's must-show, in one world of real processes (<see cref="HierarchyWorldFixture"/>): a reset issued at
/// the main center reaches a real agent of a tenant center; the tenant centers' agents are served by their own site's scan
/// server of the main center and raise detections; cutting and restoring a link loses and doubles nothing, and the main
/// center bills exactly what the tenant centers metered; the hosted tenant moves into its own center and its agent stays
/// protected.</summary>
public sealed class HierarchyWorldEndToEndTests(HierarchyWorldFixture world) : IClassFixture<HierarchyWorldFixture>
{
    [Fact]
    public async Task A_reset_issued_at_the_main_center_changes_the_policy_of_a_real_agent_of_a_tenant_center()
    {
        var a = world.A;
        const string marker = "/srv/world-own-policy";
        await HierarchyWorld.PutPolicyAsync(a.Admin, a.Local.GroupId, a.Tree.FullName, marker, DetectionAction.Report);
        await world.UntilAsync(() => Task.FromResult(AgentPolicy(a.Agent)?.OnDemand.ExcludedPaths.Contains(marker) == true),
            "the agent took its tenant's own policy", a.Agent);

        using (var reset = await world.Main.Driver.Provider.PostAsync($"/api/v1/tenants/{a.AtMain.Id}/policy-reset", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, reset.StatusCode);
        }
        await a.Center.ExchangeAsync();
        await world.UntilAsync(() => Task.FromResult(AgentPolicy(a.Agent)?.OnDemand.ExcludedPaths is [HierarchyWorldFixture.ProviderDefaultMarker]),
            "the provider's default policy reached the agent", a.Agent);
        await a.Center.ExchangeAsync();
        Assert.Equal(0, (await HierarchyWorld.CenterAsync(world.Main.Driver, a.Link.Center.Id)).PendingResetOrders);
        Assert.Single(await a.Center.Driver.AuditAsync(a.Local.AdminToken), e => e.Action == "policy.reset-by-provider");

        // The tenant's own policy again, so that the other facts of this world scan as before.
        await HierarchyWorld.PutPolicyAsync(a.Admin, a.Local.GroupId, a.Tree.FullName, action: DetectionAction.Report);
        await world.UntilAsync(() => Task.FromResult(AgentPolicy(a.Agent)?.OnDemand.ExcludedPaths.Count == 0), "the agent took its tenant's policy again",
            a.Agent);
    }

    [Fact]
    public async Task The_tenant_centers_agents_are_served_by_their_own_sites_scan_server_of_the_main_center_and_raise_detections()
    {
        await ServedAndDetectsAsync(world.A.Agent, world.A.Admin, world.A.AgentId, world.A.Tree, world.ServerOne, world.ServerTwo, "site-one.com");
        await ServedAndDetectsAsync(world.B.Agent, world.B.Admin, world.B.AgentId, world.B.Tree, world.ServerTwo, world.ServerOne, "site-two.com");
        Assert.True(await SiteWorld.KeysAsync(world.RedisOne) > 0, "site 1's verdicts are in site 1's Redis");
        Assert.True(await SiteWorld.KeysAsync(world.RedisTwo) > 0, "site 2's verdicts are in site 2's Redis");
    }

    [Fact]
    public async Task A_cut_link_loses_and_doubles_nothing_and_the_main_center_bills_what_the_tenant_centers_metered()
    {
        var (a, b) = (world.A, world.B);
        world.LinkOfA.Cut();
        try
        {
            // During the cut the tenant center and its agent go on: the agent syncs, scans and detects through its site's server.
            await ServedAndDetectsAsync(a.Agent, a.Admin, a.AgentId, a.Tree, world.ServerOne, world.ServerTwo, "during-the-cut.com");
            await Assert.ThrowsAnyAsync<Exception>(a.Center.ExchangeAsync);
            var status = await IntegrationDriver.ReadAsync<LinkStatusView>(await a.Center.Driver.Provider.GetAsync("/api/v1/link"), HttpStatusCode.OK);
            Assert.True(status.QueuedItems > 0, "the upward items wait in tenant center A's queue");
        }
        finally
        {
            world.LinkOfA.Restore();
        }

        // Read at one instant of the world's clock; the rounds repeat until agents' last syncs have landed.
        var now = world.Clock.GetUtcNow();
        await HierarchyWorldFixture.SettledAsync(async () =>
        {
            await a.Center.ExchangeAsync();
            await b.Center.ExchangeAsync();
            var (meteredA, meteredB) = (await HierarchyWorld.BilledAsync(a.Center.Driver, a.AtMain.Id, now), await HierarchyWorld.BilledAsync(b.Center.Driver, b.AtMain.Id, now));
            var (billedA, billedB) = (await HierarchyWorld.BilledAsync(world.Main.Driver, a.AtMain.Id, now), await HierarchyWorld.BilledAsync(world.Main.Driver, b.AtMain.Id, now));
            return meteredA.VcpuSeconds > 0 && meteredB.VcpuSeconds > 0
                && (meteredA.VcpuSeconds, meteredA.PeakVcpus, meteredB.VcpuSeconds, meteredB.PeakVcpus)
                == (billedA.VcpuSeconds, billedA.PeakVcpus, billedB.VcpuSeconds, billedB.PeakVcpus)
                && await DetectionsAtMainAsync(a) == await DetectionsAtCenterAsync(a);
        }, "the main center holds what both tenant centers metered and counted");
        var billed = await BilledTotalAsync(now);

        // More rounds, replays included, change nothing: nothing was counted twice.
        await a.Center.ExchangeAsync();
        await a.Center.ExchangeAsync();
        Assert.Equal(billed, await BilledTotalAsync(now));
        Assert.Equal(await DetectionsAtCenterAsync(a), await DetectionsAtMainAsync(a));
        var after = await IntegrationDriver.ReadAsync<LinkStatusView>(await a.Center.Driver.Provider.GetAsync("/api/v1/link"), HttpStatusCode.OK);
        Assert.Equal((0, (string?)null), (after.QueuedItems, after.LastError));
    }

    [Fact]
    public async Task The_hosted_tenant_moves_into_its_own_center_and_its_agent_stays_protected_by_its_sites_scan_server()
    {
        var hostedAdmin = world.Main.Driver.Client(world.Hosted.AdminToken);
        await ServedAndDetectsAsync(world.HostedAgent, hostedAdmin, world.HostedAgentId, world.HostedTree, world.ServerTwo, world.ServerOne,
            "while-hosted.com");

        var link = await HierarchyWorld.LinkAsync(world.Main, world.Hosted.Id);
        var own = await world.StartTenantCenterAsync<SqliteTestDatabase>(link);
        await own.ExchangeAsync();
        using (var move = await world.Main.Driver.Provider.PostAsJsonAsync($"/api/v1/tenant-centers/{link.Center.Id}/move-in",
            new MoveRequest(own.GrpcAddress.ToString(), own.CertificateFingerprint)))
        {
            Assert.Equal(HttpStatusCode.Accepted, move.StatusCode);
        }
        await own.ExchangeAsync();
        var moved = await IntegrationDriver.ReadAsync<TenantMoveView>(
            await world.Main.Driver.Provider.GetAsync($"/api/v1/tenant-centers/{link.Center.Id}/move-in"), HttpStatusCode.OK);
        Assert.Equal(("applied", 1), (moved.State, moved.AgentsMoved));
        await world.UntilAsync(async () => File.Exists(CenterFile(world.HostedAgent))
            && (await File.ReadAllTextAsync(CenterFile(world.HostedAgent))).Contains(own.GrpcAddress.Authority, StringComparison.Ordinal),
            "the agent was re-pointed at the tenant's own center", world.HostedAgent);

        // The own center's administrator orders the scan; the main center's site 2 server, which the link told the own
        // center about, answers it.
        var ownAdmin = own.Driver.Client(await HierarchyWorld.LoginAsync(own, world.Hosted.Name));
        await ServedAndDetectsAsync(world.HostedAgent, ownAdmin, world.HostedAgentId, world.HostedTree, world.ServerTwo, world.ServerOne,
            "after-the-move.com");
    }

    /// <summary>The agent is assigned <paramref name="own"/> (its site's server) and not <paramref name="other"/>, and an EICAR
    /// put in its tree and scanned on <paramref name="admin"/>'s order is reported there as a detection.</summary>
    private async Task ServedAndDetectsAsync(LiveAgent agent, HttpClient admin, Guid agentId, DirectoryInfo tree, LiveScanServer own,
        LiveScanServer other, string fileName)
    {
        var assignment = Path.Combine(agent.State.FullName, AssignmentFile.FileName);
        await world.UntilAsync(async () => File.Exists(assignment) && (await File.ReadAllTextAsync(assignment)) is { } text
            && text.Contains(own.Address.Authority, StringComparison.Ordinal) && !text.Contains(other.Address.Authority, StringComparison.Ordinal),
            $"the agent was assigned its own site's scan server {own.Address}", agent);
        var path = Path.Combine(tree.FullName, fileName);
        await File.WriteAllBytesAsync(path, TestSamples.Eicar());
        await HierarchyWorld.ScanAsync(admin, agentId, path);
        await world.UntilAsync(async () => (await HierarchyWorld.GetAsync<EventPage>(admin, "/api/v1/events?type=detection")).Events
            .Any(e => e.AgentId == agentId && e.Path == path), $"the detection of {fileName} reached the agent's center", agent);
    }

    private static PolicyDocument? AgentPolicy(LiveAgent agent) => PolicyFile.Load(agent.State.FullName)?.Policy;

    private static string CenterFile(LiveAgent agent) => Path.Combine(agent.State.FullName, CenterLinkFile.FileName);

    private async Task<long> DetectionsAtMainAsync(Subordinate<PostgresTestDatabase> tenant) =>
        (await HierarchyWorld.CenterAsync(world.Main.Driver, tenant.Link.Center.Id)).DetectionsPerDay.Sum(d => d.Detections);

    private static async Task<long> DetectionsAtCenterAsync(Subordinate<PostgresTestDatabase> tenant) =>
        (await HierarchyWorld.GetAsync<EventPage>(tenant.Admin, "/api/v1/events?type=detection")).Total;

    private async Task<long> BilledTotalAsync(DateTimeOffset now) =>
        (await HierarchyWorld.BilledAsync(world.Main.Driver, world.A.AtMain.Id, now)).VcpuSeconds
        + (await HierarchyWorld.BilledAsync(world.Main.Driver, world.B.AtMain.Id, now)).VcpuSeconds;
}
