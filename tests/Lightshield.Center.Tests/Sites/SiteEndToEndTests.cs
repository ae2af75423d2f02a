using System.Net;
using Grpc.Core;
using Lightshield.Center.Hierarchy;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Testing;
using Lightshield.Verdicts;
using StackExchange.Redis;

namespace Lightshield.Center.Tests.Sites;

/// <summary>Two sites, each a real scan server (real libclamav) with its own Redis (a private redis-server each, as a
/// data center runs it: an ACL user, the default user off), and one tenant with an agent in each: each agent is assigned
/// its own site's server only and each site's verdicts land in its own L2 cache; stopping site 1's server leaves site 2's
/// agent served as before, and site 1's agent is not sent to site 2 (decision 50). The provider's site view shows it, and
/// nothing of the tenant's hosts or content.</summary>
public abstract class SiteEndToEndTests<TDatabase>(LiveCenter<TDatabase> center) : IClassFixture<LiveCenter<TDatabase>>
    where TDatabase : TestDatabase, new()
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private const string Eicar = @"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    private IntegrationDriver Driver => center.Driver;

    private static Task EventuallyAsync(Func<Task<bool>> condition, string what) =>
        Eventually.UntilAsync(condition, what, Patience, interval: TimeSpan.FromMilliseconds(100));

    private Task<LiveScanServer> StartSiteServerAsync(string site, string host, string segment, AclRedis redis, DirectoryInfo siteDirectory) =>
        SiteWorld.StartSiteServerAsync(center, site, host, segment, redis, siteDirectory);

    private async Task<ProviderSitesView> SitesAsync() =>
        await IntegrationDriver.ReadAsync<ProviderSitesView>(await Driver.Provider.GetAsync("/api/v1/sites"), HttpStatusCode.OK);

    private static async Task<StatusCode> ScanStatusAsync(LiveScanServer server, string credential, byte[] content)
    {
        try
        {
            await server.ClientWith(credential).ScanAsync(FileKey.Compute(content), () => new MemoryStream(content),
                Protocol.Scan.Priority.OnAccess, "ignored");
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    private static Task<long> KeysAsync(AclRedis redis) => SiteWorld.KeysAsync(redis);

    [Fact]
    public async Task Agents_get_only_their_sites_servers_and_losing_site_one_leaves_site_two_served_and_sends_site_one_nowhere_else()
    {
        var unique = IntegrationDriver.Unique("site");
        var (site1, site2) = ($"{unique}-1", $"{unique}-2");
        var (host1, host2) = ($"hv-{unique}-1", $"hv-{unique}-2");
        var segmentId = await Driver.CreateSegmentAsync();
        var segment = await Driver.SegmentNameAsync(segmentId);
        var tenant = await Driver.CreateTenantAsync(segmentId);
        await using var redis1 = await AclRedis.StartAsync("site-1");
        await using var redis2 = await AclRedis.StartAsync("site-2");
        var directory1 = Directory.CreateTempSubdirectory("lightshield-site-1-");
        var directory2 = Directory.CreateTempSubdirectory("lightshield-site-2-");
        try
        {
            await using var server1 = await StartSiteServerAsync(site1, host1, segment, redis1, directory1);
            await using var server2 = await StartSiteServerAsync(site2, host2, segment, redis2, directory2);
            await EventuallyAsync(async () => (await Driver.ListScanServersAsync()).Count(s => s.Segment == segment && s.Health == "up") == 2,
                "both sites' scan servers registered");
            var registered = (await Driver.ListScanServersAsync()).Where(s => s.Segment == segment).ToDictionary(s => s.Address, s => s.Site);
            Assert.Equal(site1, registered[server1.Address.ToString()]);
            Assert.Equal(site2, registered[server2.Address.ToString()]);

            var hostName1 = $"vm-{unique}-a";
            var hostName2 = $"vm-{unique}-b";
            var agent1 = await Driver.EnrolAsync(tenant, hypervisorHost: host1, hostName: hostName1);
            var agent2 = await Driver.EnrolAsync(tenant, hypervisorHost: host2, hostName: hostName2);
            Assert.Equal([server1.Address.ToString()], (await Driver.SyncAsync(agent1.Credential)).ScanServers.Select(s => s.Address));
            Assert.Equal([server2.Address.ToString()], (await Driver.SyncAsync(agent2.Credential)).ScanServers.Select(s => s.Address));

            // Each site's verdicts go to its own L2 cache: site 1's scan fills Redis 1, and Redis 2 stays empty until site 2 scans.
            var content1 = System.Text.Encoding.ASCII.GetBytes($"site one file {unique}");
            await EventuallyAsync(async () => await ScanStatusAsync(server1, agent1.ScanCredential, content1) == StatusCode.OK,
                "site 1's server scanned for its agent (once the center's keys arrived)");
            await EventuallyAsync(async () => await KeysAsync(redis1) > 0, "site 1's verdict reached site 1's Redis");
            Assert.Equal(0, await KeysAsync(redis2));
            var eicar = System.Text.Encoding.ASCII.GetBytes(Eicar);
            await EventuallyAsync(async () => await ScanStatusAsync(server2, agent2.ScanCredential, eicar) == StatusCode.OK,
                "site 2's server scanned for its agent");
            await EventuallyAsync(async () => await KeysAsync(redis2) > 0, "site 2's verdict reached site 2's Redis");

            var before = await SitesAsync();
            var view1 = Assert.Single(before.Sites, s => s.Name == site1);
            var view2 = Assert.Single(before.Sites, s => s.Name == site2);
            Assert.Equal(("up", 1, 1, 1, 1), (view1.Health, view1.ScanServersUp, view1.Tenants, view1.Agents, view1.ScanServers));
            Assert.Equal(("up", 1, 1, 1, 1), (view2.Health, view2.ScanServersUp, view2.Tenants, view2.Agents, view2.ScanServers));
            Assert.Equal([host1], view1.HypervisorHosts);

            // Site 1 is lost: its one scan server stops and misses heartbeats past the threshold.
            await server1.StopAsync();
            center.Time.Advance(TimeSpan.FromSeconds(31));
            await EventuallyAsync(async () =>
            {
                var servers = (await Driver.ListScanServersAsync()).Where(s => s.Segment == segment).ToDictionary(s => s.Address, s => s.Health);
                return servers[server1.Address.ToString()] == "down" && servers[server2.Address.ToString()] == "up";
            }, "site 1's server is down and site 2's heartbeated after the clock moved on");

            Assert.Empty((await Driver.SyncAsync(agent1.Credential)).ScanServers); // not site 2's server: the agent keeps its own
            Assert.Equal([server2.Address.ToString()], (await Driver.SyncAsync(agent2.Credential)).ScanServers.Select(s => s.Address));
            var again = System.Text.Encoding.ASCII.GetBytes($"site two file after the loss {unique}");
            Assert.Equal(StatusCode.OK, await ScanStatusAsync(server2, agent2.ScanCredential, again));

            var after = await SitesAsync();
            Assert.Equal(("down", 0, 1), after.Sites.Where(s => s.Name == site1).Select(s => (s.Health, s.ScanServersUp, s.Agents)).Single());
            Assert.Equal(("up", 1, 1), after.Sites.Where(s => s.Name == site2).Select(s => (s.Health, s.ScanServersUp, s.Agents)).Single());
            using var detail = await Driver.Provider.GetAsync($"/api/v1/sites/{site1}");
            var shown = await detail.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
            Assert.Contains("\"down\"", shown, StringComparison.Ordinal);

            // The provider's view counts the tenant's agents; it names none of them, nor what they scanned.
            using var list = await Driver.Provider.GetAsync("/api/v1/sites");
            var listed = await list.Content.ReadAsStringAsync();
            foreach (var secret in new[] { hostName1, hostName2, agent1.AgentId, agent2.AgentId, FileKey.Compute(content1).Sha256Hex(), "EICAR" })
            {
                Assert.DoesNotContain(secret, listed + shown, StringComparison.OrdinalIgnoreCase);
            }
        }
        finally
        {
            directory1.Delete(recursive: true);
            directory2.Delete(recursive: true);
        }
    }
}

public sealed class SiteEndToEndTests_Sqlite(LiveCenter<SqliteTestDatabase> center) : SiteEndToEndTests<SqliteTestDatabase>(center);

public sealed class SiteEndToEndTests_Postgres(LiveCenter<PostgresTestDatabase> center) : SiteEndToEndTests<PostgresTestDatabase>(center);
