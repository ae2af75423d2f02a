using System.Net;
using Grpc.Core;
using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Protocol.Credentials;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Center.Tests.Integration;

public abstract class HeartbeatTests<TDatabase>(CenterFixture<TDatabase> fixture) : IntegrationTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    [Fact]
    public async Task Heartbeat_without_a_known_unrevoked_scan_server_token_is_unauthenticated()
    {
        var heartbeat = IntegrationDriver.Heartbeat("default", "host-1");
        var none = await Assert.ThrowsAsync<RpcException>(async () => await Driver.ScanServers.HeartbeatAsync(heartbeat));
        Assert.Equal(StatusCode.Unauthenticated, none.StatusCode);
        var unknown = await Assert.ThrowsAsync<RpcException>(async () =>
            await Driver.ScanServers.HeartbeatAsync(heartbeat, IntegrationDriver.Bearer("lss_not-a-token")));
        Assert.Equal(StatusCode.Unauthenticated, unknown.StatusCode);

        var token = await Driver.ScanServerTokenAsync(heartbeat);
        await Driver.ScanServers.HeartbeatAsync(heartbeat, IntegrationDriver.Bearer(token.Token));
        using (var revoked = await Driver.Provider.DeleteAsync($"/api/v1/scan-servers/tokens/{token.Info.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await Driver.ScanServers.HeartbeatAsync(heartbeat, IntegrationDriver.Bearer(token.Token)));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("revoked", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_first_heartbeat_registers_the_server_later_ones_update_it_and_each_answer_carries_keys_and_interval()
    {
        var heartbeat = IntegrationDriver.Heartbeat(IntegrationDriver.Unique("seg"), "host-4", load: 0.25, capacity: 8);
        var token = await Driver.ScanServerTokenAsync(heartbeat);

        var answer = await Driver.ScanServers.HeartbeatAsync(heartbeat, IntegrationDriver.Bearer(token.Token));
        var registered = Assert.Single(await Driver.ListScanServersAsync(), s => s.Id == heartbeat.ServerId);
        Assert.Equal((heartbeat.Address, "host-4", heartbeat.Segment, 8, 0.25, "1.4.3", "27000-abcdef0123", "up"),
            (registered.Address, registered.HypervisorHost, registered.Segment, registered.Capacity, registered.Load,
                registered.EngineVersion, registered.DatabaseVersion, registered.Health));
        Assert.Equal((await Driver.CredentialKeysAsync()).Select(k => k.PublicKey), answer.TrustedCredentialKeys);
        Assert.Equal(10, answer.HeartbeatIntervalSeconds);

        Center.Time.Advance(TimeSpan.FromSeconds(10));
        heartbeat.Load = 1.5;
        heartbeat.DatabaseVersion = "27001-fedcba9876";
        await Driver.ScanServers.HeartbeatAsync(heartbeat, IntegrationDriver.Bearer(token.Token));
        var updated = Assert.Single(await Driver.ListScanServersAsync(), s => s.Id == heartbeat.ServerId);
        Assert.Equal((1.5, "27001-fedcba9876", registered.RegisteredAt), (updated.Load, updated.DatabaseVersion, updated.RegisteredAt));
        Assert.Equal(registered.LastSeenAt + TimeSpan.FromSeconds(10), updated.LastSeenAt, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task A_heartbeat_with_an_address_agents_cannot_dial_is_invalid_and_registers_nothing()
    {
        var heartbeat = IntegrationDriver.Heartbeat(IntegrationDriver.Unique("seg"), "host-1");
        var token = await Driver.ScanServerTokenAsync(heartbeat);
        heartbeat.Address = "http://127.0.0.1:0/";
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Driver.ScanServers.HeartbeatAsync(heartbeat, IntegrationDriver.Bearer(token.Token)));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.DoesNotContain(await Driver.ListScanServersAsync(), s => s.Id == heartbeat.ServerId);
    }

    [Fact]
    public async Task A_server_is_down_after_30_seconds_without_a_heartbeat_and_up_again_with_the_next()
    {
        var heartbeat = IntegrationDriver.Heartbeat(IntegrationDriver.Unique("seg"), "host-5");
        var token = await Driver.ScanServerTokenAsync(heartbeat);
        await Driver.ScanServers.HeartbeatAsync(heartbeat, IntegrationDriver.Bearer(token.Token));

        // (The exact boundary is ScanServerAssignmentTests' business: PostgreSQL keeps microseconds, not ticks.)
        Center.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("up", (await Driver.ListScanServersAsync()).Single(s => s.Id == heartbeat.ServerId).Health);
        Center.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("down", (await Driver.ListScanServersAsync()).Single(s => s.Id == heartbeat.ServerId).Health);

        await Driver.ScanServers.HeartbeatAsync(heartbeat, IntegrationDriver.Bearer(token.Token));
        Assert.Equal("up", (await Driver.ListScanServersAsync()).Single(s => s.Id == heartbeat.ServerId).Health);
    }

    [Fact]
    public async Task The_revocation_list_holds_revoked_agents_and_the_agents_of_suspended_tenants_only()
    {
        var heartbeat = IntegrationDriver.Heartbeat("default", "host-1");
        var token = await Driver.ScanServerTokenAsync(heartbeat);
        var tenant = await Driver.CreateTenantAsync();
        var suspended = await Driver.CreateTenantAsync();
        var revokedAgent = await Driver.EnrolAsync(tenant);
        var activeAgent = await Driver.EnrolAsync(tenant);
        var agentOfSuspended = await Driver.EnrolAsync(suspended);
        await Driver.RevokeAgentAsync(tenant, revokedAgent.AgentId);
        await Driver.SetTenantStateAsync(suspended, suspended: true);

        var listed = (await Driver.ScanServers.HeartbeatAsync(heartbeat, IntegrationDriver.Bearer(token.Token)))
            .RevokedCredentials.Select(Guid.Parse).ToHashSet();

        Assert.Contains(CredentialIdOf(revokedAgent.Credential), listed);
        Assert.Contains(CredentialIdOf(agentOfSuspended.Credential), listed);
        Assert.DoesNotContain(CredentialIdOf(activeAgent.Credential), listed);

        await Driver.SetTenantStateAsync(suspended, suspended: false);
        var afterResume = (await Driver.ScanServers.HeartbeatAsync(heartbeat, IntegrationDriver.Bearer(token.Token)))
            .RevokedCredentials.Select(Guid.Parse).ToHashSet();
        Assert.DoesNotContain(CredentialIdOf(agentOfSuspended.Credential), afterResume);
        Assert.Contains(CredentialIdOf(revokedAgent.Credential), afterResume);

        // Once the revoked credential has expired, scan servers refuse it anyway: it leaves the list.
        Center.Time.Advance(TimeSpan.FromDays(7) + CredentialVerifier.ClockSkew + TimeSpan.FromMinutes(1));
        var afterExpiry = (await Driver.ScanServers.HeartbeatAsync(heartbeat, IntegrationDriver.Bearer(token.Token)))
            .RevokedCredentials.Select(Guid.Parse).ToHashSet();
        Assert.DoesNotContain(CredentialIdOf(revokedAgent.Credential), afterExpiry);
    }

    [Fact]
    public async Task Deleting_a_tenant_keeps_its_agents_credentials_on_the_revocation_list_until_they_expire()
    {
        var heartbeat = IntegrationDriver.Heartbeat("default", "host-1");
        var token = IntegrationDriver.Bearer((await Driver.ScanServerTokenAsync(heartbeat)).Token);
        var tenant = await Driver.CreateTenantAsync();
        var agent = await Driver.EnrolAsync(tenant);
        var credentialId = CredentialIdOf(agent.Credential);
        await Driver.SetTenantStateAsync(tenant, suspended: true);
        Assert.Contains(credentialId, (await Driver.ScanServers.HeartbeatAsync(heartbeat, token)).RevokedCredentials.Select(Guid.Parse));

        using (var deleted = await Driver.Provider.DeleteAsync($"/api/v1/tenants/{tenant.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        // The agent row is gone, but the credential it holds is still valid for days: scan servers must keep refusing it.
        Assert.Contains(credentialId, (await Driver.ScanServers.HeartbeatAsync(heartbeat, token)).RevokedCredentials.Select(Guid.Parse));

        Center.Time.Advance(TimeSpan.FromDays(7) + CredentialVerifier.ClockSkew + TimeSpan.FromMinutes(1));
        Assert.DoesNotContain(credentialId, (await Driver.ScanServers.HeartbeatAsync(heartbeat, token)).RevokedCredentials.Select(Guid.Parse));
    }

    [Fact]
    public async Task Scan_server_rows_are_invisible_and_unwritable_in_a_tenant_scope_and_its_users_get_403()
    {
        var tenant = await Driver.CreateTenantAsync();
        await Driver.HeartbeatAsync(IntegrationDriver.Heartbeat("default", "host-1"));

        await using (var provider = Center.Scope(TenantScope.Provider))
        {
            Assert.NotEqual(0, await provider.ServiceProvider.GetRequiredService<CenterDbContext>().ScanServers.CountAsync());
        }
        await using (var scope = Center.Scope(TenantScope.ForTenant(tenant.Id)))
        {
            var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
            Assert.Equal(0, await db.ScanServers.CountAsync());
            Assert.Equal(0, await db.ScanServerTokens.CountAsync());
            Assert.Equal(0, await db.SigningKeys.CountAsync());
            db.ScanServers.Add(new ScanServer
            {
                Id = Guid.NewGuid().ToString(),
                Address = "https://evil:1",
                CertificateSha256 = "",
                HypervisorHost = "h",
                Segment = "default",
                EngineVersion = "",
                DatabaseVersion = "",
                LastSeenAt = Center.Time.GetUtcNow(),
            });
            await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());
        }
        foreach (var path in new[] { "/api/v1/scan-servers", "/api/v1/scan-servers/tokens", "/api/v1/scan-servers/credential-keys" })
        {
            using var response = await Driver.Client(tenant.AdminToken).GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }

    [Fact]
    public async Task Rotation_adds_a_signing_key_and_keeps_the_old_one_trusted_so_issued_credentials_still_work()
    {
        var tenant = await Driver.CreateTenantAsync();
        var before = await Driver.EnrolAsync(tenant);
        var oldKey = Assert.Single(await Driver.CredentialKeysAsync(), k => k.Signing);

        using (var rotated = await Driver.Provider.PostAsync("/api/v1/scan-servers/credential-keys/rotate", null))
        {
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        }
        var keys = await Driver.CredentialKeysAsync();
        var newKey = Assert.Single(keys, k => k.Signing);
        Assert.NotEqual(oldKey.KeyId, newKey.KeyId);
        Assert.Contains(keys, k => k.KeyId == oldKey.KeyId && !k.Signing);

        var after = await Driver.EnrolAsync(tenant);
        Assert.False((await Driver.SyncAsync(before.Credential)).TenantSuspended);
        Assert.False((await Driver.SyncAsync(after.Credential)).TenantSuspended);
        Assert.Equal(newKey.KeyId, KeyIdOf(after.Credential));
    }

    private static Guid CredentialIdOf(string credential) => ClaimsOf(credential).CredentialId;

    private static string KeyIdOf(string credential)
    {
        var payload = credential.Split('.')[1];
        using var json = System.Text.Json.JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(payload));
        return json.RootElement.GetProperty("kid").GetString()!;
    }

    private static AgentClaims ClaimsOf(string credential)
    {
        var payload = credential.Split('.')[1];
        using var json = System.Text.Json.JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(payload));
        var root = json.RootElement;
        return new AgentClaims(root.GetProperty("cid").GetGuid(), root.GetProperty("aid").GetGuid(), root.GetProperty("tid").GetGuid(),
            root.GetProperty("seg").GetString()!, default, default);
    }
}

public sealed class HeartbeatTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : HeartbeatTests<SqliteTestDatabase>(fixture);

public sealed class HeartbeatTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : HeartbeatTests<PostgresTestDatabase>(fixture);
