using System.Net;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Lightshield.Center.Hunts;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Protocol.Center;

namespace Lightshield.Center.Tests.Integration;

/// <summary>Decision 40, the center's side, over the real scan-server gateway: a scan server's findings become a
/// retro-hunt only for the tenants that may hold the content (the uploaders, or every tenant of its segment for content
/// shared site-wide), never for a tenant of another segment; the same finding reported again is not hunted twice; the
/// agents get the order with "rescan the matches"; a malformed finding refuses the heartbeat.</summary>
public abstract class RetroHuntTargetingTests<TDatabase>(CenterFixture<TDatabase> fixture) : IntegrationTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    [Fact]
    public async Task Findings_reach_only_the_tenants_that_may_hold_the_content_once_per_database_version()
    {
        var segment = await Driver.CreateSegmentAsync();
        var segmentName = await Driver.SegmentNameAsync(segment);
        var uploader = await Driver.CreateTenantAsync(segment);
        var neighbour = await Driver.CreateTenantAsync(segment);
        var elsewhere = await Driver.CreateTenantAsync(); // another segment: the scan server never served it
        var uploaderAgent = await Driver.EnrolAsync(uploader, hostName: "holder");
        var neighbourAgent = await Driver.EnrolAsync(neighbour, hostName: "neighbour");
        var elsewhereAgent = await Driver.EnrolAsync(elsewhere, hostName: "elsewhere");
        var own = RandomNumberGenerator.GetBytes(32);
        var shared = RandomNumberGenerator.GetBytes(32);
        var heartbeat = IntegrationDriver.Heartbeat(segmentName, "hv-retro");
        heartbeat.RetroFindings.Add(Finding(own, "27001", siteWide: false, uploader.Id, elsewhere.Id));
        heartbeat.RetroFindings.Add(Finding(shared, "27001", siteWide: true));

        await Driver.HeartbeatAsync(heartbeat);
        var other = IntegrationDriver.Heartbeat(segmentName, "hv-retro-2"); // a second scan server of the site finds the same
        other.RetroFindings.Add(Finding(own, "27001", siteWide: false, uploader.Id));
        await Driver.HeartbeatAsync(other);

        var uploaderHunt = Assert.Single(await HuntsAsync(uploader));
        var neighbourHunt = Assert.Single(await HuntsAsync(neighbour));
        Assert.Empty(await HuntsAsync(elsewhere));
        Assert.Equal(("retro", 2, "27001"), (uploaderHunt.Kind, uploaderHunt.Hashes, uploaderHunt.DatabaseVersion));
        Assert.Equal(("retro", 1), (neighbourHunt.Kind, neighbourHunt.Hashes));
        var order = Assert.Single((await Driver.SyncAsync(uploaderAgent.Credential)).Hunts);
        Assert.True(order.RescanMatches);
        Assert.Equal(HuntPrefixes.Encode([HuntPrefixes.Of(own), HuntPrefixes.Of(shared)]), order.Sha256Prefixes);
        var neighbourOrder = Assert.Single((await Driver.SyncAsync(neighbourAgent.Credential)).Hunts);
        Assert.Equal(HuntPrefixes.Encode([HuntPrefixes.Of(shared)]), neighbourOrder.Sha256Prefixes);
        Assert.Empty((await Driver.SyncAsync(elsewhereAgent.Credential)).Hunts);
        Assert.Contains(await Driver.AuditAsync(uploader.AdminToken), e => e.Action == "hunt.retro" && e.Target == $"hunt/{uploaderHunt.Id}");
    }

    [Fact]
    public async Task A_tenant_hunt_started_by_a_user_does_not_ask_the_agents_to_rescan()
    {
        var tenant = await Driver.CreateTenantAsync();
        var agent = await Driver.EnrolAsync(tenant);
        using var response = await Driver.Client(tenant.AdminToken).PostAsync("/api/v1/hunts",
            System.Net.Http.Json.JsonContent.Create(new HuntRequest([Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))])));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var order = Assert.Single((await Driver.SyncAsync(agent.Credential)).Hunts);

        Assert.False(order.RescanMatches);
    }

    [Fact]
    public async Task A_finding_no_scan_server_makes_refuses_the_heartbeat_and_starts_nothing()
    {
        var segment = await Driver.CreateSegmentAsync();
        var tenant = await Driver.CreateTenantAsync(segment);
        var heartbeat = IntegrationDriver.Heartbeat(await Driver.SegmentNameAsync(segment), "hv-bad-retro");
        heartbeat.RetroFindings.Add(Finding(RandomNumberGenerator.GetBytes(31), "27001", siteWide: true));
        var badTenant = IntegrationDriver.Heartbeat(await Driver.SegmentNameAsync(segment), "hv-bad-retro-2");
        badTenant.RetroFindings.Add(Finding(RandomNumberGenerator.GetBytes(32), "27001", siteWide: false));
        badTenant.RetroFindings[0].TenantIds.Add("'; drop table hunts; --");

        var shortHash = await Assert.ThrowsAsync<RpcException>(() => Driver.HeartbeatAsync(heartbeat));
        var notATenant = await Assert.ThrowsAsync<RpcException>(() => Driver.HeartbeatAsync(badTenant));

        Assert.Equal(StatusCode.InvalidArgument, shortHash.StatusCode);
        Assert.Contains("retro_findings", shortHash.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, notATenant.StatusCode);
        Assert.Empty(await HuntsAsync(tenant));
    }

    private async Task<List<HuntResponse>> HuntsAsync(WorldTenant tenant)
    {
        using var response = await Driver.Client(tenant.AdminToken).GetAsync("/api/v1/hunts");
        return await IntegrationDriver.ReadAsync<List<HuntResponse>>(response, HttpStatusCode.OK);
    }

    private static RetroFinding Finding(byte[] sha256, string version, bool siteWide, params Guid[] tenants)
    {
        var finding = new RetroFinding { Sha256 = ByteString.CopyFrom(sha256), Size = 4096, DatabaseVersion = version, SiteWide = siteWide };
        finding.TenantIds.AddRange(tenants.Select(t => t.ToString("N")));
        return finding;
    }
}

public sealed class RetroHuntTargetingTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : RetroHuntTargetingTests<SqliteTestDatabase>(fixture);

public sealed class RetroHuntTargetingTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : RetroHuntTargetingTests<PostgresTestDatabase>(fixture);
