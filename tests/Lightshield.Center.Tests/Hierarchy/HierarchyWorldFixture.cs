using Lightshield.Center.Agents;
using Lightshield.Center.Hierarchy;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Center.Tests.Sites;
using Lightshield.Protocol.Policies;
using Lightshield.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Center.Tests.Hierarchy;

/// <summary>
/// The world of issue #18, set up once for <see cref="HierarchyWorldEndToEndTests"/>, every part a real process on loopback
/// and all on one fake clock: a main center on PostgreSQL; two sites, each a real scan server (libclamav) with its own
/// redis-server, registered at the main center in one segment; two tenant centers of that segment linked to the main
/// center (A on PostgreSQL, its link through a relay the tests can cut; B on SQLite), each with a real agent on a host
/// of its own site; and a hosted tenant on the main center with a real agent on site 2's host. The tenant centers' agents
/// are served by the main center's scan servers through what comes down the link (decision 63).
/// </summary>
public sealed class HierarchyWorldFixture : IAsyncLifetime
{
    public const string SiteOne = "world-1";
    public const string SiteTwo = "world-2";
    public const string HostOne = "hv-world-1";
    public const string HostTwo = "hv-world-2";
    public const string ProviderDefaultMarker = "/srv/world-provider-default";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly List<DirectoryInfo> _directories = [];
    private readonly List<Func<Task>> _stoppedLastFirst = [];
    private readonly List<LiveAgent> _agents = [];

    public LiveCenter<PostgresTestDatabase> Main { get; } = new();

    /// <summary>The one clock of the world: centers, scan servers and agents.</summary>
    public FakeTimeProvider Clock => Main.Time;

    internal Guid SegmentId { get; private set; }

    internal AclRedis RedisOne { get; private set; } = null!;

    internal AclRedis RedisTwo { get; private set; } = null!;

    internal LiveScanServer ServerOne { get; private set; } = null!;

    internal LiveScanServer ServerTwo { get; private set; } = null!;

    /// <summary>The relay of tenant center A's link, which the tests cut.</summary>
    internal CuttableLink LinkOfA { get; private set; } = null!;

    internal Subordinate<PostgresTestDatabase> A { get; private set; } = null!;

    internal Subordinate<SqliteTestDatabase> B { get; private set; } = null!;

    internal WorldTenant Hosted { get; private set; } = null!;

    internal LiveAgent HostedAgent { get; private set; } = null!;

    internal Guid HostedAgentId { get; private set; }

    internal DirectoryInfo HostedTree { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Main.InitializeAsync();
        // The provider's default policy, which comes down the links and which a reset gives: quiet (no nightly full scan of
        // the test host) and recognisable by its marker.
        using (var template = await Main.Driver.Provider.PutAsync("/api/v1/policy-template", new StringContent(
            HierarchyWorld.QuietPolicy(Directory("provider-default").FullName, ProviderDefaultMarker, DetectionAction.Report),
            System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, template.StatusCode);
        }
        SegmentId = await Main.Driver.CreateSegmentAsync();
        var segment = await Main.Driver.SegmentNameAsync(SegmentId);
        RedisOne = await AclRedis.StartAsync(SiteOne);
        RedisTwo = await AclRedis.StartAsync(SiteTwo);
        ServerOne = await SiteWorld.StartSiteServerAsync(Main, SiteOne, HostOne, segment, RedisOne, Directory("site-1"), Clock);
        _stoppedLastFirst.Add(() => ServerOne.DisposeAsync().AsTask());
        ServerTwo = await SiteWorld.StartSiteServerAsync(Main, SiteTwo, HostTwo, segment, RedisTwo, Directory("site-2"), Clock);
        _stoppedLastFirst.Add(() => ServerTwo.DisposeAsync().AsTask());
        await UntilAsync(async () => (await Main.Driver.ListScanServersAsync()).Count(s => s.Segment == segment && s.Health == "up") == 2,
            "both sites' scan servers registered at the main center");

        var (tenantA, linkA) = await HierarchyWorld.LinkNewTenantAsync(Main, SegmentId);
        LinkOfA = new CuttableLink(new Uri(linkA.MainAddress!));
        _stoppedLastFirst.Add(() => LinkOfA.DisposeAsync().AsTask());
        A = await StartSubordinateAsync<PostgresTestDatabase>(tenantA, linkA, LinkOfA.Address, HostOne);
        var (tenantB, linkB) = await HierarchyWorld.LinkNewTenantAsync(Main, SegmentId);
        B = await StartSubordinateAsync<SqliteTestDatabase>(tenantB, linkB, null, HostTwo);

        Hosted = await Main.Driver.CreateTenantAsync(SegmentId);
        var hostedAdmin = Main.Driver.Client(Hosted.AdminToken);
        HostedTree = Directory("hosted-tree");
        await HierarchyWorld.PutPolicyAsync(hostedAdmin, Hosted.GroupId, HostedTree.FullName, action: DetectionAction.Report);
        HostedAgent = await LiveAgent.StartAsync(Main.GrpcAddress, Main.CertificateFingerprint, await Main.Driver.EnrolmentTokenAsync(Hosted),
            HostTwo, Clock);
        _agents.Add(HostedAgent);
        HostedAgentId = (await FindAsync(async () => (await HierarchyWorld.GetAsync<List<AgentResponse>>(hostedAdmin, "/api/v1/agents")).SingleOrDefault(),
            "the hosted agent enrolled", HostedAgent)).Id;
    }

    /// <summary>Looks until <paramref name="probe"/> finds something, moving the world's clock a second between looks so
    /// agents sync, scan servers heartbeat and tasks run.</summary>
    internal Task<T> FindAsync<T>(Func<Task<T?>> probe, string what, LiveAgent? agent = null)
        where T : class =>
        Eventually.FindAsync(probe, what, Patience, () => Clock.Advance(TimeSpan.FromSeconds(1)), agent);

    internal Task UntilAsync(Func<Task<bool>> condition, string what, LiveAgent? agent = null) =>
        Eventually.UntilAsync(condition, what, Patience, () => Clock.Advance(TimeSpan.FromSeconds(1)), agent);

    /// <summary>The same without moving the clock: for what must settle at one instant (billing read on both sides).</summary>
    internal static Task SettledAsync(Func<Task<bool>> condition, string what) => Eventually.UntilAsync(condition, what, Patience);

    internal DirectoryInfo Directory(string name)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory($"lightshield-world-{name}-");
        _directories.Add(directory);
        return directory;
    }

    private async Task<Subordinate<TDatabase>> StartSubordinateAsync<TDatabase>(WorldTenant atMain, TenantCenterLink link, Uri? through, string host)
        where TDatabase : TestDatabase, new()
    {
        var center = await HierarchyWorld.StartTenantCenterAsync<TDatabase>(link, through, clock: Clock);
        _stoppedLastFirst.Add(center.DisposeAsync);
        await center.ExchangeAsync();
        var local = await center.TenantAsync(atMain.Name);
        var admin = center.Driver.Client(local.AdminToken);
        var tree = Directory($"tree-{host}");
        await HierarchyWorld.PutPolicyAsync(admin, local.GroupId, tree.FullName, action: DetectionAction.Report);
        var agent = await LiveAgent.StartAsync(center.GrpcAddress, center.CertificateFingerprint, await center.Driver.EnrolmentTokenAsync(local),
            host, Clock);
        _agents.Add(agent);
        var agentId = (await FindAsync(async () => (await HierarchyWorld.GetAsync<List<AgentResponse>>(admin, "/api/v1/agents")).SingleOrDefault(),
            "an agent enrolled at its tenant center", agent)).Id;
        return new Subordinate<TDatabase>(atMain, link, center, local, admin, agent, agentId, tree);
    }

    /// <summary>A tenant center of the world started by a test (the hosted tenant's own center), stopped with the world
    /// once every agent is (an agent keeps its connections to the center it syncs with open).</summary>
    internal async Task<TenantLiveCenter<TDatabase>> StartTenantCenterAsync<TDatabase>(TenantCenterLink link)
        where TDatabase : TestDatabase, new()
    {
        var center = await HierarchyWorld.StartTenantCenterAsync<TDatabase>(link, clock: Clock);
        _stoppedLastFirst.Add(center.DisposeAsync);
        return center;
    }

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }
        for (var i = _stoppedLastFirst.Count - 1; i >= 0; i--)
        {
            await _stoppedLastFirst[i]();
        }
        foreach (var redis in new[] { RedisOne, RedisTwo }.Where(r => r is not null))
        {
            await redis.DisposeAsync();
        }
        await Main.DisposeAsync();
        foreach (var directory in _directories.Where(d => d.Exists))
        {
            directory.Delete(recursive: true);
        }
    }
}

/// <summary>A tenant with its own center in the world: the tenant as the main center knows it, its link, its center, the
/// tenant there with its administrator, and its agent with the directory its scans look at.</summary>
internal sealed record Subordinate<TDatabase>(WorldTenant AtMain, TenantCenterLink Link, TenantLiveCenter<TDatabase> Center, WorldTenant Local,
    HttpClient Admin, LiveAgent Agent, Guid AgentId, DirectoryInfo Tree)
    where TDatabase : TestDatabase, new();
