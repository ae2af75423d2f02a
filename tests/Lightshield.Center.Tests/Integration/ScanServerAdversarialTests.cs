using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Lightshield.Center.Integration;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Protocol.Center;

namespace Lightshield.Center.Tests.Integration;

/// <summary>A holder of a scan-server token (a leaked secret, or a scan server taken over) tries to be another scan
/// server than the one the provider created the token for: another id, another segment, another host, or an address
/// agents would reach in clear text.</summary>
public abstract class ScanServerAdversarialTests<TDatabase>(CenterFixture<TDatabase> fixture) : IntegrationTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    private async Task<(ScanServerHeartbeat Heartbeat, Metadata Token)> RegisteredServerAsync(string host = "host-adv")
    {
        var heartbeat = IntegrationDriver.Heartbeat(IntegrationDriver.Unique("seg"), host);
        var token = IntegrationDriver.Bearer((await Driver.ScanServerTokenAsync(heartbeat)).Token);
        await Driver.ScanServers.HeartbeatAsync(heartbeat, token);
        return (heartbeat, token);
    }

    private async Task<RpcException> RefusedAsync(ScanServerHeartbeat forged, Metadata token) =>
        await Assert.ThrowsAsync<RpcException>(async () => await Driver.ScanServers.HeartbeatAsync(forged, token));

    [Fact]
    public async Task A_token_cannot_speak_for_another_server_id_not_even_to_take_over_a_registered_server()
    {
        var (victim, _) = await RegisteredServerAsync();
        var (attacker, attackerToken) = await RegisteredServerAsync();

        // Take over the victim's registration: same id, host and segment, the attacker's address.
        var takeover = victim.Clone();
        takeover.Address = "https://attacker.example:7443";
        takeover.CertificateSha256 = new string('b', 64);
        Assert.Equal(StatusCode.PermissionDenied, (await RefusedAsync(takeover, attackerToken)).StatusCode);

        // Register a server of its own choosing beside it.
        var extra = attacker.Clone();
        extra.ServerId = Guid.NewGuid().ToString();
        Assert.Equal(StatusCode.PermissionDenied, (await RefusedAsync(extra, attackerToken)).StatusCode);

        var servers = await Driver.ListScanServersAsync();
        var stored = Assert.Single(servers, s => s.Id == victim.ServerId);
        Assert.Equal((victim.Address, victim.CertificateSha256), (stored.Address, stored.CertificateSha256));
        Assert.DoesNotContain(servers, s => s.Id == extra.ServerId);
    }

    [Fact]
    public async Task A_token_cannot_move_its_server_to_another_segment_or_hypervisor_host()
    {
        var (server, token) = await RegisteredServerAsync();
        var otherSegment = IntegrationDriver.Unique("seg");

        var moved = server.Clone();
        moved.Segment = otherSegment;
        var refused = await RefusedAsync(moved, token);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains(server.Segment, refused.Status.Detail, StringComparison.Ordinal);

        var elsewhere = server.Clone();
        elsewhere.HypervisorHost = "host-of-another-tenant";
        Assert.Equal(StatusCode.PermissionDenied, (await RefusedAsync(elsewhere, token)).StatusCode);

        var stored = Assert.Single(await Driver.ListScanServersAsync(), s => s.Id == server.ServerId);
        Assert.Equal((server.Segment, server.HypervisorHost), (stored.Segment, stored.HypervisorHost));
        Assert.DoesNotContain(await Driver.ListScanServersAsync(), s => s.Segment == otherSegment);
    }

    [Theory]
    [InlineData("http://svm.example:7443/")]
    [InlineData("http://10.0.0.5:7443/")]
    [InlineData("ftp://10.0.0.5:7443/")]
    public async Task An_address_agents_would_dial_in_clear_text_over_the_network_is_refused(string address)
    {
        var heartbeat = IntegrationDriver.Heartbeat(IntegrationDriver.Unique("seg"), "host-plain");
        var token = IntegrationDriver.Bearer((await Driver.ScanServerTokenAsync(heartbeat)).Token);
        heartbeat.Address = address;
        Assert.Equal(StatusCode.InvalidArgument, (await RefusedAsync(heartbeat, token)).StatusCode);
        Assert.DoesNotContain(await Driver.ListScanServersAsync(), s => s.Id == heartbeat.ServerId);

        // The same server on loopback (one machine) may use plain http.
        heartbeat.Address = "http://127.0.0.1:7443/";
        await Driver.ScanServers.HeartbeatAsync(heartbeat, token);
        Assert.Contains(await Driver.ListScanServersAsync(), s => s.Id == heartbeat.ServerId);
    }

    [Fact]
    public async Task A_token_cannot_ask_for_updates_or_download_leases_in_another_servers_name()
    {
        var (victim, _) = await RegisteredServerAsync();
        var (_, attackerToken) = await RegisteredServerAsync();
        var check = await Assert.ThrowsAsync<RpcException>(async () =>
            await Driver.Updates.CheckAsync(new UpdateCheckRequest { ServerId = victim.ServerId, FailedVersion = 1, Error = "forged" }, attackerToken));
        Assert.Equal(StatusCode.PermissionDenied, check.StatusCode);
        var lease = await Assert.ThrowsAsync<RpcException>(async () =>
            await Driver.Updates.AcquireDownloadLeaseAsync(new DownloadLeaseRequest { ServerId = victim.ServerId }, attackerToken));
        Assert.Equal(StatusCode.PermissionDenied, lease.StatusCode);
    }

    [Fact]
    public async Task A_token_is_not_created_without_the_server_it_is_for()
    {
        using var unbound = await Driver.Provider.PostAsJsonAsync("/api/v1/scan-servers/tokens",
            new ScanServerTokenRequest(IntegrationDriver.Unique("svm"), null, null, null));
        Assert.Equal(HttpStatusCode.BadRequest, unbound.StatusCode);
        var problem = await unbound.Content.ReadAsStringAsync();
        Assert.Contains("serverId", problem, StringComparison.Ordinal);
        Assert.Contains("hypervisorHost", problem, StringComparison.Ordinal);
        Assert.Contains("segment", problem, StringComparison.Ordinal);
    }
}

public sealed class ScanServerAdversarialTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : ScanServerAdversarialTests<SqliteTestDatabase>(fixture);

public sealed class ScanServerAdversarialTests_Postgres(CenterFixture<PostgresTestDatabase> fixture)
    : ScanServerAdversarialTests<PostgresTestDatabase>(fixture);
