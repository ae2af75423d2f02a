using System.Net;
using System.Net.Http.Json;
using Lightshield.Center.Agents;
using Lightshield.Center.Identity;
using Lightshield.Center.Tests.Infrastructure;

namespace Lightshield.Center.Tests.Identity;

public abstract class AuthenticationTests<TDatabase>(CenterFixture<TDatabase> fixture) : CenterTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    [Fact]
    public async Task Login_with_a_wrong_password_or_unknown_user_is_refused_with_the_same_message()
    {
        var tenant = await Center.CreateTenantAsync(Unique("auth"));
        using var wrong = await Center.Client().PostAsJsonAsync("/api/v1/auth/login", new LoginRequest(tenant.Name, "admin", "not the password"));
        using var unknown = await Center.Client().PostAsJsonAsync("/api/v1/auth/login", new LoginRequest(tenant.Name, "nobody", "not the password"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Contains("Wrong tenant, user name or password.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Wrong tenant, user name or password.", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenant_user_signs_in_only_with_its_tenant_and_sees_itself()
    {
        var tenant = await Center.CreateTenantAsync(Unique("auth"));
        using var withoutTenant = await Center.Client().PostAsJsonAsync("/api/v1/auth/login", new LoginRequest(null, "admin", tenant.AdminPassword));
        Assert.Equal(HttpStatusCode.Unauthorized, withoutTenant.StatusCode);
        var me = await Center.Client(tenant.AdminToken).GetFromJsonAsync<MeResponse>("/api/v1/auth/me");
        Assert.Equal(tenant.Id, me!.TenantId);
        Assert.Equal("tenant-admin", me.Role);
    }

    [Fact]
    public async Task An_api_token_stops_working_when_it_expires()
    {
        var tenant = await Center.CreateTenantAsync(Unique("expiry"));
        using var created = await Center.Client(tenant.AdminToken).PostAsJsonAsync("/api/v1/tokens", new TokenRequest("ci", 1));
        var token = (await created.Content.ReadFromJsonAsync<TokenCreatedResponse>())!.Token;
        using (var before = await Center.Client(token).GetAsync("/api/v1/agent-groups"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }
        // The login token of the fixture's provider lasts 12 h: advance less than that overall.
        Center.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        using var after = await Center.Client(token).GetAsync("/api/v1/agent-groups");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("expired", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_api_token_is_refused_and_its_secret_is_not_stored()
    {
        var tenant = await Center.CreateTenantAsync(Unique("revoke"));
        var admin = Center.Client(tenant.AdminToken);
        using var created = await admin.PostAsJsonAsync("/api/v1/tokens", new TokenRequest("ci", 30));
        var token = (await created.Content.ReadFromJsonAsync<TokenCreatedResponse>())!;
        var listed = await admin.GetStringAsync("/api/v1/tokens");
        Assert.Contains(token.Info.Id.ToString(), listed, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Token, listed, StringComparison.Ordinal);

        using (var revoke = await admin.DeleteAsync($"/api/v1/tokens/{token.Info.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        using var after = await Center.Client(token.Token).GetAsync("/api/v1/agent-groups");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("revoked", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await using var connection = Center.Database.OpenDirect();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"SecretHash\" FROM api_tokens";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            Assert.NotEqual(token.Token, reader.GetString(0));
            Assert.Equal(64, reader.GetString(0).Length);
        }
    }

    [Fact]
    public async Task A_suspended_tenant_cannot_sign_in_its_tokens_are_refused_and_its_agents_cannot_enrol_until_resumed()
    {
        var tenant = await Center.CreateTenantAsync(Unique("suspend"));
        var admin = Center.Client(tenant.AdminToken);
        var group = (await (await admin.PostAsJsonAsync("/api/v1/agent-groups", new AgentGroupRequest("servers", null))).Content.ReadFromJsonAsync<AgentGroupResponse>())!;
        var enrolment = (await (await admin.PostAsJsonAsync("/api/v1/enrolment-tokens", new EnrolmentTokenRequest("vm", group.Id, null))).Content.ReadFromJsonAsync<EnrolmentTokenCreatedResponse>())!;
        var provider = Center.Client(Center.ProviderToken);

        using (var suspend = await provider.PostAsync($"/api/v1/tenants/{tenant.Id}/suspend", null))
        {
            Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
        }
        using (var refused = await admin.GetAsync("/api/v1/agent-groups"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("suspended", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var login = await Center.Client().PostAsJsonAsync("/api/v1/auth/login", new LoginRequest(tenant.Name, "admin", tenant.AdminPassword)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
        }
        var enrol = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => Center.EnrolAsync(enrolment.Token, "vm-1"));
        Assert.Equal(Grpc.Core.StatusCode.PermissionDenied, enrol.StatusCode);
        using (var delete = await provider.DeleteAsync($"/api/v1/tenants/{Guid.NewGuid()}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        }

        using (var resume = await provider.PostAsync($"/api/v1/tenants/{tenant.Id}/resume", null))
        {
            Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        }
        using var again = await admin.GetAsync("/api/v1/agent-groups");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Deleting_a_tenant_needs_it_suspended_and_removes_its_users()
    {
        var tenant = await Center.CreateTenantAsync(Unique("delete"));
        var provider = Center.Client(Center.ProviderToken);
        using (var active = await provider.DeleteAsync($"/api/v1/tenants/{tenant.Id}"))
        {
            Assert.Equal(HttpStatusCode.Conflict, active.StatusCode);
        }
        (await provider.PostAsync($"/api/v1/tenants/{tenant.Id}/suspend", null)).Dispose();
        using (var deleted = await provider.DeleteAsync($"/api/v1/tenants/{tenant.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using var login = await Center.Client().PostAsJsonAsync("/api/v1/auth/login", new LoginRequest(tenant.Name, "admin", tenant.AdminPassword));
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task Roles_are_enforced_a_tenant_auditor_reads_but_cannot_administer()
    {
        var tenant = await Center.CreateTenantAsync(Unique("roles"));
        using var created = await Center.Client(tenant.AdminToken).PostAsJsonAsync("/api/v1/users", new UserRequest("auditor", "tenant-auditor", "auditor-password-123"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var auditor = Center.Client(await Center.LoginAsync(tenant.Name, "auditor", "auditor-password-123"));
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/v1/agent-groups")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/v1/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync("/api/v1/agent-groups", new AgentGroupRequest("x", null))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.GetAsync("/api/v1/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.GetAsync("/api/v1/tenants")).StatusCode);
        using var providerRole = await Center.Client(tenant.AdminToken).PostAsJsonAsync("/api/v1/users", new UserRequest("sneaky", "provider-admin", null));
        Assert.Equal(HttpStatusCode.BadRequest, providerRole.StatusCode);
    }
}

public sealed class AuthenticationTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : AuthenticationTests<SqliteTestDatabase>(fixture);

public sealed class AuthenticationTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : AuthenticationTests<PostgresTestDatabase>(fixture);
