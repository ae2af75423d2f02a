using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lightshield.Center.Identity;
using Lightshield.Center.Licensing;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Protocol.Center;

namespace Lightshield.Center.Tests.Licensing;

/// <summary>Licences on the default settings (presence gap 10 minutes, grace period 7 days).</summary>
public abstract class LicensingTests<TDatabase>(CenterFixture<TDatabase> fixture) : IntegrationTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    [Fact]
    public async Task A_licence_below_the_active_vcpus_turns_the_state_over_licence_with_an_event_and_audit_rows_and_enrolment_goes_on()
    {
        var tenant = await Driver.CreateTenantAsync();
        var tenantToken = await ApiTokenAsync(tenant);
        Assert.Equal("none", (await StatusAsync(tenant)).State);

        await GrantAsync(tenant, vcpus: 8, validDays: 30);
        await Driver.EnrolAsync(tenant, hostName: "vm-1");
        await Driver.EnrolAsync(tenant, hostName: "vm-2");
        var within = await StatusAsync(tenant);
        Assert.Equal(("ok", 4, 8), (within.State, within.ActiveVcpus, within.LicensedVcpus));

        await GrantAsync(tenant, vcpus: 3, validDays: 30);
        var over = await StatusAsync(tenant);
        Assert.Equal(("over-licence", 4, 3, 2L), (over.State, over.ActiveVcpus, over.LicensedVcpus, over.LicenceSerial));

        // Enrolment beyond the licence is allowed, never silent: the state stays over-licence with more vCPUs.
        var third = await Driver.EnrolAsync(tenant, hostName: "vm-3");
        Assert.False(string.IsNullOrEmpty(third.Credential));
        Assert.Equal(("over-licence", 6), ((await StatusAsync(tenant)).State, (await StatusAsync(tenant)).ActiveVcpus));

        var events = await LicenceEventsAsync(tenantToken);
        var change = Assert.Single(events, e => e.GetProperty("payload").GetProperty("to").GetString() == "over-licence");
        Assert.Equal(LicenceEvaluator.StateEventType, change.GetProperty("type").GetString());
        Assert.Equal("ok", change.GetProperty("payload").GetProperty("from").GetString());
        Assert.Equal(3, change.GetProperty("payload").GetProperty("licensedVcpus").GetInt32());
        Assert.Contains(await Driver.AuditAsync(tenantToken), row => row.Action == "licence.state" && row.Details.Contains("over-licence", StringComparison.Ordinal));
        Assert.Contains(await Driver.AuditAsync(tenantToken), row => row.Action == "licence.grant");
        Assert.Contains(await Driver.AuditAsync(Center.ProviderToken), row => row.Action == "licence.grant" && row.Target == $"tenant/{tenant.Id}"
            && row.Details.Contains(tenant.Name, StringComparison.Ordinal));
        Assert.Contains(await Driver.AuditAsync(Center.ProviderToken), row => row.Action == "licence.state" && row.Target == $"tenant/{tenant.Id}"
            && row.Details.Contains("over-licence", StringComparison.Ordinal));

        await GrantAsync(tenant, vcpus: 16, validDays: 30);
        Assert.Equal("ok", (await StatusAsync(tenant)).State);
    }

    [Fact]
    public async Task A_licence_whose_vcpus_were_changed_in_the_database_is_refused_and_reported()
    {
        var tenant = await Driver.CreateTenantAsync();
        var tenantToken = await ApiTokenAsync(tenant);
        await GrantAsync(tenant, vcpus: 4, validDays: 30);
        var second = await GrantAsync(tenant, vcpus: 6, validDays: 30);
        Assert.Equal(6, (await StatusAsync(tenant)).LicensedVcpus);

        var id = Center.Database.Provider == "sqlite" ? second.Id.ToString().ToUpperInvariant() : second.Id.ToString();
        Assert.Equal(1, await Center.Database.ExecuteDirectAsync($"UPDATE tenant_licences SET \"Vcpus\" = 1000 WHERE \"Id\" = '{id}'"));

        // The changed licence is refused where it is used: the state falls back to the genuine one before it.
        var status = await StatusAsync(tenant);
        Assert.Equal((4, 1L), (status.LicensedVcpus, status.LicenceSerial));
        Assert.Equal([2L], status.RefusedSerials);
        using var listed = await Driver.Client(tenantToken).GetAsync("/api/v1/licences");
        var licences = await IntegrationDriver.ReadAsync<List<LicenceResponse>>(listed, HttpStatusCode.OK);
        Assert.False(licences.Single(l => l.Serial == 2).Genuine);
        Assert.Equal(1000, licences.Single(l => l.Serial == 2).Vcpus);
        Assert.True(licences.Single(l => l.Serial == 1).Genuine);
        var refused = Assert.Single(await LicenceEventsAsync(tenantToken), e => e.GetProperty("type").GetString() == LicenceEvaluator.RefusedEventType);
        Assert.Equal(2, refused.GetProperty("payload").GetProperty("serial").GetInt64());
        Assert.Contains(await Driver.AuditAsync(Center.ProviderToken), row => row.Action == "licence.refused" && row.Target == $"tenant/{tenant.Id}");

        // The stored text's signature still verifies only with the signed vCPU count.
        Assert.False((await VerifyAsync(licences.Single(l => l.Serial == 2).Text)).Valid);
        Assert.True((await VerifyAsync(second.Text)).Valid);
    }

    [Fact]
    public async Task A_licence_text_with_a_changed_vcpu_count_fails_verification()
    {
        var tenant = await Driver.CreateTenantAsync();
        var licence = await GrantAsync(tenant, vcpus: 4, validDays: 30);
        var genuine = await VerifyAsync(licence.Text);
        Assert.Equal((true, 4, tenant.Id), (genuine.Valid, genuine.Vcpus, genuine.TenantId));

        var parts = licence.Text.Split('.');
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!;
        claims["vcpu"] = 400;
        var forged = $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()))}.{parts[2]}";
        var check = await VerifyAsync(forged);
        Assert.False(check.Valid);
        Assert.Null(check.Vcpus);
        Assert.Contains("signature", check.Problem, StringComparison.Ordinal);
        Assert.False((await VerifyAsync("lsl1.garbage")).Valid);
    }

    [Fact]
    public async Task A_tenant_cannot_grant_itself_a_licence()
    {
        var tenant = await Driver.CreateTenantAsync();
        using var response = await Driver.Client(tenant.AdminToken).PostAsJsonAsync($"/api/v1/tenants/{tenant.Id}/licences",
            new LicenceRequest(1000, null, null, 30));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("none", (await StatusAsync(tenant)).State);
    }

    [Fact]
    public async Task An_ended_licence_goes_to_grace_then_expired_with_events_while_the_agent_keeps_its_scan_servers()
    {
        var serverHeartbeat = IntegrationDriver.Heartbeat("default", "host-x", id: "svm-x");
        var serverToken = IntegrationDriver.Bearer((await Driver.ScanServerTokenAsync(serverHeartbeat)).Token);
        var tenant = await Driver.CreateTenantAsync();
        var tenantToken = await ApiTokenAsync(tenant);
        var start = Center.Time.GetUtcNow();
        await GrantAsync(tenant, vcpus: 4, validDays: 1);
        var agent = await Driver.EnrolAsync(tenant, hypervisorHost: "host-x");
        var credential = agent.Credential;
        Assert.Equal("ok", (await StatusAsync(tenant)).State);

        async Task<SyncResponse> ServedSyncAsync()
        {
            await Driver.ScanServers.HeartbeatAsync(serverHeartbeat, serverToken);
            var sync = await Driver.SyncAsync(credential);
            credential = string.IsNullOrEmpty(sync.RenewedCredential) ? credential : sync.RenewedCredential;
            return sync;
        }

        // One day and a minute later the licence has ended: grace. Then daily syncs until the grace period (7 days) is over.
        Center.Time.SetUtcNow(start + TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var inGrace = await ServedSyncAsync();
        Assert.Equal("grace", (await StatusAsync(tenant)).State);
        Assert.NotEmpty(inGrace.ScanServers);
        for (var day = 2; day <= 8; day++)
        {
            Center.Time.SetUtcNow(start + TimeSpan.FromDays(day) + TimeSpan.FromMinutes(2));
            await ServedSyncAsync();
        }
        var expired = await StatusAsync(tenant);
        Assert.Equal(("expired", 0, 2), (expired.State, expired.LicensedVcpus, expired.ActiveVcpus));

        // Protection never stops: the agent is still served.
        var sync = await ServedSyncAsync();
        Assert.False(sync.TenantSuspended);
        Assert.Equal("svm-x", Assert.Single(sync.ScanServers).ServerId);

        var transitions = (await LicenceEventsAsync(tenantToken)).Where(e => e.GetProperty("type").GetString() == LicenceEvaluator.StateEventType)
            .Select(e => (e.GetProperty("payload").GetProperty("from").GetString(), e.GetProperty("payload").GetProperty("to").GetString()))
            .Reverse().ToList();
        Assert.Equal([("none", "ok"), ("ok", "grace"), ("grace", "expired")], transitions);
    }

    private async Task<LicenceResponse> GrantAsync(WorldTenant tenant, int vcpus, int validDays)
    {
        using var response = await Driver.Provider.PostAsJsonAsync($"/api/v1/tenants/{tenant.Id}/licences", new LicenceRequest(vcpus, null, null, validDays));
        return await IntegrationDriver.ReadAsync<LicenceResponse>(response, HttpStatusCode.Created);
    }

    /// <summary>The provider's view of the tenant's state (the provider sees every tenant's).</summary>
    private async Task<LicenceStatusResponse> StatusAsync(WorldTenant tenant)
    {
        using var response = await Driver.Provider.GetAsync($"/api/v1/licences/status?tenant={tenant.Id}");
        return Assert.Single(await IntegrationDriver.ReadAsync<List<LicenceStatusResponse>>(response, HttpStatusCode.OK));
    }

    private async Task<LicenceVerifyResponse> VerifyAsync(string text)
    {
        using var response = await Driver.Provider.PostAsJsonAsync("/api/v1/licences/verify", new LicenceVerifyRequest(text));
        return await IntegrationDriver.ReadAsync<LicenceVerifyResponse>(response, HttpStatusCode.OK);
    }

    /// <summary>A tenant-admin API token that outlives the clock jumps of these tests (login tokens last 12 hours).</summary>
    private async Task<string> ApiTokenAsync(WorldTenant tenant)
    {
        using var response = await Driver.Client(tenant.AdminToken).PostAsJsonAsync("/api/v1/tokens", new TokenRequest(IntegrationDriver.Unique("t"), 60));
        return (await IntegrationDriver.ReadAsync<TokenCreatedResponse>(response, HttpStatusCode.Created)).Token;
    }

    private async Task<List<JsonElement>> LicenceEventsAsync(string tenantToken)
    {
        using var response = await Driver.Client(tenantToken).GetAsync("/api/v1/events?pageSize=500");
        var page = await IntegrationDriver.ReadAsync<JsonElement>(response, HttpStatusCode.OK);
        return [.. page.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("type").GetString()!.StartsWith("licence-", StringComparison.Ordinal))];
    }
}

public sealed class LicensingTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : LicensingTests<SqliteTestDatabase>(fixture);

public sealed class LicensingTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : LicensingTests<PostgresTestDatabase>(fixture);
