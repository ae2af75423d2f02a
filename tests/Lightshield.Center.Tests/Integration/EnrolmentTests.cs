using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Protocol.Credentials;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Center.Tests.Integration;

public abstract class EnrolmentTests<TDatabase>(CenterFixture<TDatabase> fixture) : IntegrationTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    private async Task<CredentialCheck> VerifyWithPublishedKeysAsync(string credential, string audience = CredentialAudience.Center)
    {
        var keys = (await Driver.CredentialKeysAsync()).Select(k => CredentialPublicKey.Parse(k.PublicKey));
        return new CredentialVerifier(keys, Center.Time, new CredentialRevocations(), audience).Verify(credential);
    }

    [Fact]
    public async Task Enrol_with_a_valid_token_creates_the_agent_and_a_credential_signed_by_the_center_for_the_tenants_segment()
    {
        var segmentId = await Driver.CreateSegmentAsync();
        var tenant = await Driver.CreateTenantAsync(segmentId);

        var enrolled = await Driver.EnrolAsync(tenant, hypervisorHost: "host-9", hostName: "web-1");

        var check = await VerifyWithPublishedKeysAsync(enrolled.Credential);
        Assert.True(check.IsValid, check.Failure);
        Assert.Equal(Guid.Parse(enrolled.AgentId), check.Claims!.AgentId);
        Assert.Equal(tenant.Id, check.Claims.TenantId);
        Assert.Equal(tenant.Id.ToString(), enrolled.TenantId);
        Assert.Equal(await Driver.SegmentNameAsync(segmentId), check.Claims.Segment);
        Assert.Equal(check.Claims.ExpiresAt.ToUnixTimeMilliseconds(), enrolled.CredentialExpiresUnixMs, 1000d);
        Assert.InRange(check.Claims.ExpiresAt - check.Claims.IssuedAt, TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1), TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        Assert.Empty(enrolled.QuarantinePublicKey);
        // Its twin for scan servers: the same credential id, segment and validity, for the other audience only.
        var scan = await VerifyWithPublishedKeysAsync(enrolled.ScanCredential, CredentialAudience.ScanServers);
        Assert.True(scan.IsValid, scan.Failure);
        Assert.Equal(check.Claims with { Audience = CredentialAudience.ScanServers }, scan.Claims);
        Assert.False((await VerifyWithPublishedKeysAsync(enrolled.ScanCredential)).IsValid);

        await using var scope = Center.Scope(TenantScope.ForTenant(tenant.Id));
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var agent = await db.Agents.SingleAsync(a => a.Id == check.Claims.AgentId);
        Assert.Equal(("web-1", "host-9", 2, tenant.GroupId), (agent.HostName, agent.HypervisorHost, agent.Vcpus, agent.GroupId));
        Assert.Equal(check.Claims.CredentialId.ToString("N"), agent.CredentialId);
        Assert.Contains(await db.AuditEntries.ToListAsync(), e => e.Action == "agent.enrol" && e.Target == $"agent/{agent.Id}");
    }

    [Fact]
    public async Task A_fleet_booting_at_once_with_one_token_enrols_every_vm_once_and_the_licence_counts_them_all()
    {
        var tenant = await Driver.CreateTenantAsync();
        var token = await Driver.EnrolmentTokenAsync(tenant);

        // Cloud-init starts many VMs of one template together: every enrolment changes the tenant's licence count.
        var enrolled = await Task.WhenAll(Enumerable.Range(0, 96).Select(i =>
            Driver.Agents.EnrolAsync(IntegrationDriver.EnrolRequest(token, hostName: $"booting-{i}")).ResponseAsync));

        Assert.Equal(96, enrolled.Select(e => e.AgentId).Distinct().Count());
        await using var scope = Center.Scope(TenantScope.ForTenant(tenant.Id));
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        Assert.Equal(96, await db.Agents.CountAsync());
        await Center.Services.GetRequiredService<Lightshield.Center.Licensing.LicenceEvaluator>().EvaluateAsync(tenant.Id, default);
        Assert.Equal(192, (await db.LicenceStatuses.AsNoTracking().SingleAsync()).ActiveVcpus);
    }

    [Fact]
    public async Task Enrol_with_a_revoked_token_is_refused_as_unauthenticated()
    {
        var tenant = await Driver.CreateTenantAsync();
        var token = await Driver.CreateEnrolmentTokenAsync(tenant);
        using (var revoked = await Driver.Client(tenant.AdminToken).DeleteAsync($"/api/v1/enrolment-tokens/{token.Info.Id}"))
        {
            Assert.True(revoked.IsSuccessStatusCode);
        }

        var error = await Assert.ThrowsAsync<RpcException>(async () => await Driver.Agents.EnrolAsync(IntegrationDriver.EnrolRequest(token.Token)));
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("revoked", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enrol_with_an_expired_token_is_refused_and_with_an_unknown_one_too()
    {
        var tenant = await Driver.CreateTenantAsync();
        var token = await Driver.EnrolmentTokenAsync(tenant, expiresInDays: 1);
        Assert.NotEmpty((await Driver.Agents.EnrolAsync(IntegrationDriver.EnrolRequest(token))).Credential);

        Center.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        var expired = await Assert.ThrowsAsync<RpcException>(async () => await Driver.Agents.EnrolAsync(IntegrationDriver.EnrolRequest(token)));
        Assert.Equal(StatusCode.Unauthenticated, expired.StatusCode);
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await Driver.Agents.EnrolAsync(IntegrationDriver.EnrolRequest("lse_unknown")));
        Assert.Equal(StatusCode.Unauthenticated, unknown.StatusCode);
    }

    [Fact]
    public async Task Enrol_for_a_suspended_tenant_is_refused_and_its_agents_sync_to_learn_it_is_suspended()
    {
        var tenant = await Driver.CreateTenantAsync();
        var token = await Driver.EnrolmentTokenAsync(tenant);
        var enrolled = await Driver.Agents.EnrolAsync(IntegrationDriver.EnrolRequest(token));
        await Driver.SetTenantStateAsync(tenant, suspended: true);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await Driver.Agents.EnrolAsync(IntegrationDriver.EnrolRequest(token)));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("suspended", error.Status.Detail, StringComparison.Ordinal);

        var sync = await Driver.SyncAsync(enrolled.Credential);
        Assert.True(sync.TenantSuspended);
        Assert.Empty(sync.ScanServers);
        Assert.Empty(sync.RenewedCredential);
        var lease = await Assert.ThrowsAsync<RpcException>(async () => await Driver.Agents.AcquireScanLeaseAsync(
            new Protocol.Center.ScanLeaseRequest { TaskId = "t1" }, IntegrationDriver.Bearer(enrolled.Credential)));
        Assert.Equal(StatusCode.PermissionDenied, lease.StatusCode);

        await Driver.SetTenantStateAsync(tenant, suspended: false);
        Assert.False((await Driver.SyncAsync(enrolled.Credential)).TenantSuspended);
    }

    [Fact]
    public async Task Enrol_into_a_named_group_uses_that_group_and_an_unknown_group_is_invalid()
    {
        var tenant = await Driver.CreateTenantAsync();
        using (var created = await Driver.Client(tenant.AdminToken).PostAsync("/api/v1/agent-groups",
            System.Net.Http.Json.JsonContent.Create(new Agents.AgentGroupRequest("databases", null))))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        }
        var request = IntegrationDriver.EnrolRequest(await Driver.EnrolmentTokenAsync(tenant));
        request.Group = "databases";
        var enrolled = await Driver.Agents.EnrolAsync(request);
        await using (var scope = Center.Scope(TenantScope.ForTenant(tenant.Id)))
        {
            var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
            var group = await db.AgentGroups.SingleAsync(g => g.Name == "databases");
            Assert.Equal(group.Id, (await db.Agents.SingleAsync(a => a.Id == Guid.Parse(enrolled.AgentId))).GroupId);
        }

        request.Group = "no-such-group";
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Driver.Agents.EnrolAsync(request));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task Agent_calls_without_a_valid_credential_are_unauthenticated_with_the_reason()
    {
        var tenant = await Driver.CreateTenantAsync();
        var enrolled = await Driver.EnrolAsync(tenant);

        var missing = await Assert.ThrowsAsync<RpcException>(async () => await Driver.Agents.SyncAsync(new Protocol.Center.SyncRequest()));
        Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);
        Assert.Contains("no agent credential", missing.Status.Detail, StringComparison.Ordinal);

        // A credential with the same claims signed by a key that is not the center's.
        var claims = (await VerifyWithPublishedKeysAsync(enrolled.Credential)).Claims!;
        using var foreignKey = CredentialSigningKey.Generate();
        var forged = await Assert.ThrowsAsync<RpcException>(async () => await Driver.SyncAsync(foreignKey.Issue(claims)));
        Assert.Equal(StatusCode.Unauthenticated, forged.StatusCode);
        Assert.Contains("unknown key", forged.Status.Detail, StringComparison.Ordinal);

        await Driver.RevokeAgentAsync(tenant, enrolled.AgentId);
        var revoked = await Assert.ThrowsAsync<RpcException>(async () => await Driver.SyncAsync(enrolled.Credential));
        Assert.Equal(StatusCode.Unauthenticated, revoked.StatusCode);
        Assert.Contains("revoked", revoked.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_renews_the_credential_only_within_a_day_of_its_expiry_and_the_renewed_one_works()
    {
        var tenant = await Driver.CreateTenantAsync();
        var enrolled = await Driver.EnrolAsync(tenant);
        Assert.Empty((await Driver.SyncAsync(enrolled.Credential)).RenewedCredential);

        Center.Time.Advance(TimeSpan.FromDays(6) + TimeSpan.FromHours(1));
        var renewal = await Driver.SyncAsync(enrolled.Credential);

        Assert.NotEmpty(renewal.RenewedCredential);
        Assert.True(renewal.RenewedCredentialExpiresUnixMs > enrolled.CredentialExpiresUnixMs);
        var renewed = (await VerifyWithPublishedKeysAsync(renewal.RenewedCredential)).Claims!;
        var original = (await VerifyWithPublishedKeysAsync(enrolled.Credential)).Claims!;
        Assert.Equal(original.CredentialId, renewed.CredentialId);
        var renewedScan = (await VerifyWithPublishedKeysAsync(renewal.RenewedScanCredential, CredentialAudience.ScanServers)).Claims!;
        Assert.Equal(renewed with { Audience = CredentialAudience.ScanServers }, renewedScan);
        Assert.Empty((await Driver.SyncAsync(renewal.RenewedCredential)).RenewedCredential);
    }

    [Fact]
    public async Task Sync_records_the_agents_health_report()
    {
        var tenant = await Driver.CreateTenantAsync();
        var enrolled = await Driver.EnrolAsync(tenant);
        await Driver.SyncAsync(enrolled.Credential, new Protocol.Center.HealthReport
        {
            VirtualCpus = 8,
            OnAccessEnabled = true,
            ScanServer = "https://svm-3:7443",
            ScanServerReachable = true,
            DatabaseVersion = "27001-0123456789",
            Kernel = "6.12.0",
        });

        await using var scope = Center.Scope(TenantScope.ForTenant(tenant.Id));
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var agentId = Guid.Parse(enrolled.AgentId);
        var status = await db.AgentStatuses.SingleAsync(s => s.AgentId == agentId);
        Assert.Equal(8, (await db.Agents.SingleAsync(a => a.Id == agentId)).Vcpus);
        Assert.Equal((true, "https://svm-3:7443", true, "27001-0123456789", "6.12.0"),
            (status.OnAccessEnabled, status.ScanServer, status.ScanServerReachable, status.DatabaseVersion, status.Kernel));
        Assert.Equal(Center.Time.GetUtcNow(), status.LastSeenAt, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task ReportEvents_stores_each_event_once_and_rejects_malformed_ones_individually()
    {
        var enrolled = await Driver.EnrolAsync(await Driver.CreateTenantAsync());
        var batch = new Protocol.Center.EventBatch();
        var id = Guid.NewGuid().ToString();
        batch.Events.Add(new Protocol.Center.AgentEventMessage { EventId = id, Type = "detection", PayloadJson = "{\"path\":\"/tmp/x\"}" });
        batch.Events.Add(new Protocol.Center.AgentEventMessage { EventId = "not-a-uuid", Type = "detection", PayloadJson = "{}" });
        batch.Events.Add(new Protocol.Center.AgentEventMessage { EventId = Guid.NewGuid().ToString(), Type = "Bad Type", PayloadJson = "{}" });
        batch.Events.Add(new Protocol.Center.AgentEventMessage { EventId = Guid.NewGuid().ToString(), Type = "health", PayloadJson = "[not json" });
        var first = await Driver.Agents.ReportEventsAsync(batch, IntegrationDriver.Bearer(enrolled.Credential));
        Assert.Equal((1, 0, 3), (first.Accepted, first.Duplicates, first.Rejected));
        Assert.Contains("not-a-uuid", first.RejectedIds);

        var again = await Driver.Agents.ReportEventsAsync(batch, IntegrationDriver.Bearer(enrolled.Credential));
        Assert.Equal((0, 1, 3), (again.Accepted, again.Duplicates, again.Rejected));
    }

    [Fact]
    public async Task There_is_no_anonymous_rest_enrolment_a_valid_enrolment_token_opens_nothing_there()
    {
        var tenant = await Driver.CreateTenantAsync();
        var token = await Driver.EnrolmentTokenAsync(tenant);
        using var response = await Driver.Client().PostAsJsonAsync("/api/v1/agents/enrol",
            new { enrolmentToken = token, hostName = "vm-rest", hypervisorHost = "host-1", vcpus = 2 });
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.Unauthorized,
            $"POST /api/v1/agents/enrol answered {(int)response.StatusCode}");
        using var agents = await Driver.Client(tenant.AdminToken).GetAsync("/api/v1/agents");
        Assert.DoesNotContain("vm-rest", await agents.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

public sealed class EnrolmentTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : EnrolmentTests<SqliteTestDatabase>(fixture);

public sealed class EnrolmentTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : EnrolmentTests<PostgresTestDatabase>(fixture);
