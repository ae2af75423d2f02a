using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Lightshield.Center.Integration;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;

namespace Lightshield.Center.Tests.Sites;

/// <summary>Attacks on the site model: a scan server claiming another site than its token's, a token putting a host into
/// a second site, malformed site names, and tenants reading the provider's site view.</summary>
public abstract class SiteAdversarialTests<TDatabase>(CenterFixture<TDatabase> fixture) : IntegrationTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    [Fact]
    public async Task A_heartbeat_claiming_another_site_than_its_tokens_is_refused_and_registers_nothing()
    {
        var heartbeat = IntegrationDriver.Heartbeat("default", IntegrationDriver.Unique("hv"));
        heartbeat.Site = "east";
        var token = IntegrationDriver.Bearer((await Driver.ScanServerTokenAsync(heartbeat)).Token);
        heartbeat.Site = "west";
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await Driver.ScanServers.HeartbeatAsync(heartbeat, token));
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("site 'east'", refused.Status.Detail, StringComparison.Ordinal);
        heartbeat.Site = ""; // a server older than sites is in the default site: not this token's
        Assert.Equal(StatusCode.PermissionDenied,
            (await Assert.ThrowsAsync<RpcException>(async () => await Driver.ScanServers.HeartbeatAsync(heartbeat, token))).StatusCode);
        Assert.DoesNotContain(await Driver.ListScanServersAsync(), s => s.Id == heartbeat.ServerId);

        heartbeat.Site = "east";
        await Driver.ScanServers.HeartbeatAsync(heartbeat, token);
        Assert.Equal("east", Assert.Single(await Driver.ListScanServersAsync(), s => s.Id == heartbeat.ServerId).Site);
    }

    [Fact]
    public async Task A_server_without_a_site_and_a_token_without_one_are_both_in_the_default_site()
    {
        var heartbeat = IntegrationDriver.Heartbeat("default", IntegrationDriver.Unique("hv"));
        await Driver.HeartbeatAsync(heartbeat);
        Assert.Equal("default", Assert.Single(await Driver.ListScanServersAsync(), s => s.Id == heartbeat.ServerId).Site);
    }

    [Fact]
    public async Task A_token_cannot_put_a_hypervisor_host_into_a_second_site()
    {
        var host = IntegrationDriver.Unique("hv");
        await Driver.ScanServerTokenAsync(Guid.NewGuid().ToString(), host, "default", "east");
        using var second = await Driver.Provider.PostAsJsonAsync("/api/v1/scan-servers/tokens",
            new ScanServerTokenRequest(IntegrationDriver.Unique("svm"), Guid.NewGuid().ToString(), host, "default", "west"));
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("in site 'east' already", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Another server of the same site on that host is fine.
        await Driver.ScanServerTokenAsync(Guid.NewGuid().ToString(), host, "default", "east");
    }

    [Theory]
    [InlineData("East")]
    [InlineData("../etc")]
    [InlineData("<script>")]
    [InlineData("a-site-name-that-is-much-too-long-for-a-data-center-label-0123456789")]
    public async Task Malformed_site_names_are_refused_on_tokens_heartbeats_and_the_site_view(string site)
    {
        using var token = await Driver.Provider.PostAsJsonAsync("/api/v1/scan-servers/tokens",
            new ScanServerTokenRequest(IntegrationDriver.Unique("svm"), Guid.NewGuid().ToString(), IntegrationDriver.Unique("hv"), "default", site));
        Assert.Equal(HttpStatusCode.BadRequest, token.StatusCode);
        Assert.Contains("'site'", await token.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var heartbeat = IntegrationDriver.Heartbeat("default", IntegrationDriver.Unique("hv"));
        var bearer = IntegrationDriver.Bearer((await Driver.ScanServerTokenAsync(heartbeat)).Token);
        heartbeat.Site = site;
        Assert.Equal(StatusCode.InvalidArgument,
            (await Assert.ThrowsAsync<RpcException>(async () => await Driver.ScanServers.HeartbeatAsync(heartbeat, bearer))).StatusCode);

        using var shown = await Driver.Provider.GetAsync($"/api/v1/sites/{Uri.EscapeDataString(site)}");
        Assert.Equal(HttpStatusCode.NotFound, shown.StatusCode);
    }

    [Fact]
    public async Task Tenants_cannot_read_the_providers_site_view()
    {
        var tenant = await Driver.CreateTenantAsync();
        foreach (var path in new[] { "/api/v1/sites", "/api/v1/sites/default" })
        {
            using var response = await Driver.Client(tenant.AdminToken).GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        using var provider = await Driver.Provider.GetAsync("/api/v1/sites");
        Assert.Equal(HttpStatusCode.OK, provider.StatusCode);
    }
}

public sealed class SiteAdversarialTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : SiteAdversarialTests<SqliteTestDatabase>(fixture);

public sealed class SiteAdversarialTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : SiteAdversarialTests<PostgresTestDatabase>(fixture);
