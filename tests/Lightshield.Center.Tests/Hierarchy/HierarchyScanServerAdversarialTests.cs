using Grpc.Core;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Link;
using Lightshield.Protocol.Transport;

namespace Lightshield.Center.Tests.Hierarchy;

/// <summary>Decision 63 attacked with raw link and heartbeat calls: a tenant center gets the scan servers of its own
/// tenant's segment only (none while suspended, nothing with a forged credential), and the agent keys it sends up reach
/// only the scan servers of that segment, bound to its own tenant, and only while the link and the tenant are in force; the
/// credential ids it refuses are refused by the scan servers too.</summary>
public sealed class HierarchyScanServerAdversarialTests(LiveCenter<SqliteTestDatabase> main) : IClassFixture<LiveCenter<SqliteTestDatabase>>
{
    private CenterLink.CenterLinkClient Link { get; } = new(GrpcChannels.Open(main.GrpcAddress, main.CertificateFingerprint));

    private Task<LinkExchangeResponse> ExchangeAsync(string credential, LinkExchangeRequest request) =>
        Link.ExchangeAsync(request, IntegrationDriver.Bearer(credential)).ResponseAsync;

    private async Task<(string Segment, Guid SegmentId)> SegmentAsync()
    {
        var id = await main.Driver.CreateSegmentAsync();
        return (await main.Driver.SegmentNameAsync(id), id);
    }

    [Fact]
    public async Task A_tenant_center_gets_its_own_segments_scan_servers_only_none_while_suspended_and_nothing_with_a_forged_credential()
    {
        var (mine, mineId) = await SegmentAsync();
        var (theirs, theirsId) = await SegmentAsync();
        var (tenant, link) = await HierarchyWorld.LinkNewTenantAsync(main, mineId);
        await HierarchyWorld.LinkNewTenantAsync(main, theirsId);
        var own = IntegrationDriver.Heartbeat(mine, "hv-own-" + mine);
        own.Site = "site-own";
        var other = IntegrationDriver.Heartbeat(theirs, "hv-other-" + theirs);
        other.Site = "site-other";
        await main.Driver.HeartbeatAsync(own);
        await main.Driver.HeartbeatAsync(other);

        var down = await ExchangeAsync(link.Credential, new LinkExchangeRequest());
        var server = Assert.Single(down.ScanServers);
        Assert.Equal((own.ServerId, own.Address, own.CertificateSha256, own.HypervisorHost, "site-own", true),
            (server.ServerId, server.Address, server.CertificateSha256, server.HypervisorHost, server.Site, server.Up));

        var forged = await Assert.ThrowsAsync<RpcException>(() => ExchangeAsync(link.Credential + "x", new LinkExchangeRequest()));
        Assert.Equal(StatusCode.Unauthenticated, forged.StatusCode);

        await main.Driver.SetTenantStateAsync(tenant, suspended: true);
        Assert.Empty((await ExchangeAsync(link.Credential, new LinkExchangeRequest())).ScanServers);
    }

    [Fact]
    public async Task A_tenant_centers_keys_reach_only_its_segments_scan_servers_bound_to_its_tenant_and_only_while_linked()
    {
        var (mine, mineId) = await SegmentAsync();
        var (theirs, _) = await SegmentAsync();
        var (tenant, link) = await HierarchyWorld.LinkNewTenantAsync(main, mineId);
        using var key = CredentialSigningKey.Generate();
        var revoked = Guid.NewGuid().ToString();
        await ExchangeAsync(link.Credential, new LinkExchangeRequest { AgentKeys = { key.PublicKey.Encoded }, RevokedCredentials = { revoked } });
        main.Time.Advance(TimeSpan.FromSeconds(6)); // past what the main center remembers of the keys

        var ownServer = await main.Driver.HeartbeatAsync(IntegrationDriver.Heartbeat(mine, "hv-a-" + mine));
        var bound = Assert.Single(ownServer.TenantCredentialKeys);
        Assert.Equal((key.PublicKey.Encoded, tenant.Id.ToString()), (bound.PublicKey, bound.TenantId));
        Assert.DoesNotContain(key.PublicKey.Encoded, ownServer.TrustedCredentialKeys);
        Assert.Contains(revoked, ownServer.RevokedCredentials);
        Assert.Empty((await main.Driver.HeartbeatAsync(IntegrationDriver.Heartbeat(theirs, "hv-b-" + theirs))).TenantCredentialKeys);

        // Garbage, too many keys or a refused id that is not one: the whole exchange is refused.
        foreach (var request in new[]
        {
            new LinkExchangeRequest { AgentKeys = { "not-a-key" } },
            new LinkExchangeRequest { AgentKeys = { Enumerable.Range(0, 5).Select(_ => key.PublicKey.Encoded) } },
            new LinkExchangeRequest { RevokedCredentials = { "'; DROP TABLE agents; --" } },
        })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => ExchangeAsync(link.Credential, request));
            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        }

        // Suspended, then unlinked: the scan servers no longer accept what the tenant center signs.
        await main.Driver.SetTenantStateAsync(tenant, suspended: true);
        main.Time.Advance(TimeSpan.FromSeconds(6));
        Assert.Empty((await main.Driver.HeartbeatAsync(IntegrationDriver.Heartbeat(mine, "hv-c-" + mine))).TenantCredentialKeys);
        await main.Driver.SetTenantStateAsync(tenant, suspended: false);
        using (await main.Driver.Provider.DeleteAsync($"/api/v1/tenant-centers/{link.Center.Id}"))
        {
        }
        main.Time.Advance(TimeSpan.FromSeconds(6));
        Assert.Empty((await main.Driver.HeartbeatAsync(IntegrationDriver.Heartbeat(mine, "hv-d-" + mine))).TenantCredentialKeys);
    }
}
