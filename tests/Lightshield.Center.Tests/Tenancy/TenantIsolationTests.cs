using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lightshield.Center.Agents;
using Lightshield.Center.Api;
using Lightshield.Center.Events;
using Lightshield.Center.Identity;
using Lightshield.Center.Licensing;
using Lightshield.Center.Persistence;
using Lightshield.Center.Quarantine;
using Lightshield.Center.ScanTasks;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tenants;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Protocol.Policies;
using Lightshield.Quarantine;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using AgentEventMessage = Lightshield.Protocol.Center.AgentEventMessage;

namespace Lightshield.Center.Tests.Tenancy;

/// <summary>Walks every REST endpoint the app maps (read from its EndpointDataSource, so a new endpoint is walked
/// without anyone adding it here) with tenant A's and with the provider's credentials against tenant B's resources.</summary>
public abstract partial class TenantIsolationTests<TDatabase>(CenterFixture<TDatabase> fixture) : CenterTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    private static readonly string[] TenantPrivatePolicies = [Policies.TenantReader, Policies.TenantOperator, Policies.TenantAdmin];

    [Fact]
    public async Task Tenant_A_gets_403_or_404_for_every_endpoint_naming_a_resource_of_tenant_B_and_never_sees_or_changes_B()
    {
        var world = await BuildWorldAsync();
        var before = await SnapshotAsync(world.B.Id);
        var walked = 0;
        foreach (var endpoint in ApiEndpointsOfApp())
        {
            var answer = await CallAsync(world.A.AdminToken, endpoint, world.ValuesOfB);
            var (status, body) = (answer.Status, answer.Body);
            walked++;
            if (endpoint.Parameters.Count > 0)
            {
                Assert.True(status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound,
                    $"{endpoint} with tenant B's ids answered tenant A with {(int)status}: {body}");
            }
            AssertLeaksNothing(world.SecretsOfB, endpoint, answer);
        }
        Assert.True(walked >= 30, $"only {walked} endpoints were walked");
        Assert.Equal(before, await SnapshotAsync(world.B.Id));
        // Licences are B's and the provider's to see (so they are not in B's secrets above), never A's.
        var licencesSeenByA = await Center.Client(world.A.AdminToken).GetStringAsync("/api/v1/licences");
        Assert.DoesNotContain(world.ValuesOfB["licenceId"], licencesSeenByA, StringComparison.Ordinal);
        Assert.Contains(world.ValuesOfA["licenceId"], licencesSeenByA, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_requests_with_tenant_A_own_ids_succeed_so_the_refusals_above_are_isolation()
    {
        var world = await BuildWorldAsync();
        foreach (var endpoint in ApiEndpointsOfApp().Where(e => e.Method == "GET" && e.Parameters.Count > 0
            && e.Parameters.All(world.ValuesOfA.ContainsKey) && e.Policies.Intersect(TenantPrivatePolicies.Append(Policies.Administrators)).Any()))
        {
            var (status, body, _) = await CallAsync(world.A.AdminToken, endpoint, world.ValuesOfA);
            Assert.True(status == HttpStatusCode.OK, $"{endpoint} with tenant A's own ids answered {(int)status}: {body}");
        }
    }

    [Fact]
    public async Task Provider_credentials_get_403_for_every_tenant_private_endpoint_and_never_see_tenant_content()
    {
        var world = await BuildWorldAsync();
        var tenantPrivate = 0;
        // Tenants are the provider's to manage: walk the tenant endpoints against an id that does not exist.
        var values = new Dictionary<string, string>(world.ValuesOfB) { ["tenantId"] = Guid.NewGuid().ToString() };
        foreach (var endpoint in ApiEndpointsOfApp())
        {
            var answer = await CallAsync(Center.ProviderToken, endpoint, values);
            var (status, body) = (answer.Status, answer.Body);
            if (endpoint.Policies.Intersect(TenantPrivatePolicies).Any())
            {
                tenantPrivate++;
                Assert.True(status == HttpStatusCode.Forbidden, $"{endpoint} answered the provider with {(int)status}: {body}");
            }
            AssertLeaksNothing(world.SecretsOfB, endpoint, answer);
        }
        Assert.True(tenantPrivate >= 10, $"only {tenantPrivate} tenant-private endpoints were found");
    }

    [Fact]
    public async Task A_tenant_scoped_context_does_not_see_another_tenants_rows_and_refuses_to_write_them()
    {
        var world = await BuildWorldAsync();
        await using (var scopeA = Center.Scope(TenantScope.ForTenant(world.A.Id)))
        {
            var db = scopeA.ServiceProvider.GetRequiredService<CenterDbContext>();
            Assert.Null(await db.AgentGroups.FirstOrDefaultAsync(g => g.Id == world.GroupOfB));
            Assert.Null(await db.Agents.FirstOrDefaultAsync(a => a.Id == world.AgentOfB));
            Assert.Null(await db.Tenants.FirstOrDefaultAsync(t => t.Id == world.B.Id));
            Assert.All(await db.Users.ToListAsync(), u => Assert.Equal(world.A.Id, u.TenantId));

            db.AgentGroups.Add(new AgentGroup { Id = Guid.NewGuid(), TenantId = world.B.Id, Name = "planted" });
            await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());
        }
        AgentGroup ofB;
        await using (var system = Center.Scope(TenantScope.System))
        {
            ofB = await system.ServiceProvider.GetRequiredService<CenterDbContext>().AgentGroups.AsNoTracking().SingleAsync(g => g.Id == world.GroupOfB);
        }
        await using (var scopeA = Center.Scope(TenantScope.ForTenant(world.A.Id)))
        {
            var db = scopeA.ServiceProvider.GetRequiredService<CenterDbContext>();
            db.AgentGroups.Attach(ofB).Entity.Name = "renamed by A";
            await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());
        }
        await using (var scopeA = Center.Scope(TenantScope.ForTenant(world.A.Id)))
        {
            var db = scopeA.ServiceProvider.GetRequiredService<CenterDbContext>();
            db.AgentGroups.Remove(ofB);
            await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());
        }
    }

    [Fact]
    public async Task A_provider_scoped_context_sees_tenants_but_no_tenant_private_rows_and_cannot_write_them()
    {
        var world = await BuildWorldAsync();
        await using var scope = Center.Scope(TenantScope.Provider);
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        Assert.NotNull(await db.Tenants.FirstOrDefaultAsync(t => t.Id == world.B.Id));
        Assert.Empty(await db.AgentGroups.ToListAsync());
        Assert.Empty(await db.EnrolmentTokens.ToListAsync());
        Assert.Empty(await db.Agents.ToListAsync());
        Assert.Empty(await db.GroupPolicies.ToListAsync());
        Assert.Empty(await db.ScanTasks.ToListAsync());
        Assert.Empty(await db.AgentTaskRuns.ToListAsync());
        Assert.Empty(await db.AgentEvents.ToListAsync());
        Assert.Empty(await db.QuarantineItems.ToListAsync());
        Assert.Empty(await db.QuarantineKeys.ToListAsync());
        Assert.Empty(await db.AgentPresences.ToListAsync());
        Assert.All(await db.Users.ToListAsync(), u => Assert.Null(u.TenantId));
        Assert.All(await db.AuditEntries.ToListAsync(), e => Assert.Null(e.TenantId));

        db.AgentGroups.Add(new AgentGroup { Id = Guid.NewGuid(), TenantId = world.B.Id, Name = "planted by provider" });
        await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());
    }

    /// <summary>No secret of B in the answer, except what the request itself carried (an error may echo its input).</summary>
    private static void AssertLeaksNothing(IReadOnlyList<string> secrets, ApiEndpoint endpoint, Answer answer)
    {
        var body = answer.Body;
        foreach (var secret in secrets.Where(s => !answer.Request.Contains(s, StringComparison.OrdinalIgnoreCase)))
        {
            Assert.False(body.Contains(secret, StringComparison.OrdinalIgnoreCase), $"{endpoint} leaked '{secret}' of tenant B: {body}");
        }
    }

    private List<ApiEndpoint> ApiEndpointsOfApp()
    {
        var endpoints = Center.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(ApiEndpoints.Prefix, StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => new ApiEndpoint(
                method, e.RoutePattern.RawText!, [.. e.RoutePattern.Parameters.Select(p => p.Name)],
                // An anonymous endpoint (agent enrolment) answers to its own credential, not to a role.
                e.Metadata.GetMetadata<IAllowAnonymous>() is not null ? []
                    : [.. e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>()])))
            .ToList();
        Assert.NotEmpty(endpoints);
        return endpoints;
    }

    private async Task<Answer> CallAsync(string token, ApiEndpoint endpoint, Dictionary<string, string> values)
    {
        var path = RouteParameter().Replace(endpoint.Route, match =>
            values.TryGetValue(match.Groups[1].Value, out var value) ? value
                : throw new InvalidOperationException($"{endpoint}: no value for route parameter '{match.Groups[1].Value}'; add one to the world of this test."));
        using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), path);
        var sent = path;
        if (endpoint.Method is "POST" or "PUT" or "PATCH")
        {
            // A body that names B's resources wherever a request can carry an id or a name.
            sent += JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["name"] = Unique("walk"),
                ["userName"] = Unique("walk"),
                ["role"] = Roles.TenantAuditor,
                ["groupId"] = values["groupId"],
                ["segmentId"] = values["segmentId"],
                ["tenant"] = values["tenantName"],
                ["password"] = "wrong password for the walk",
                ["enrolmentToken"] = "lse_not-a-real-token",
                ["hostName"] = "walk-host",
                ["hypervisorHost"] = "walk-hypervisor",
                ["timeZone"] = "UTC",
                ["adminUserName"] = "walk-admin",
            });
            request.Content = new StringContent(sent[path.Length..], Encoding.UTF8, "application/json");
        }
        using var response = await Center.Client(token).SendAsync(request);
        return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), sent);
    }

    private async Task<World> BuildWorldAsync()
    {
        var a = await Center.CreateTenantAsync(Unique("tenant-a"));
        var b = await Center.CreateTenantAsync(Unique("tenant-b"));
        var ofA = await PopulateAsync(a);
        var ofB = await PopulateAsync(b);
        using var segment = await Center.Client(Center.ProviderToken).PostAsJsonAsync("/api/v1/segments", new SegmentRequest(Unique("segment"), null));
        var segmentId = (await segment.Content.ReadFromJsonAsync<SegmentResponse>())!.Id.ToString();
        ofA.Values["segmentId"] = segmentId;
        ofB.Values["segmentId"] = segmentId;
        return new World(a, b, ofA.Values, ofB.Values, ofB.Secrets);
    }

    private async Task<Resources> PopulateAsync(TestTenant tenant)
    {
        var client = Center.Client(tenant.AdminToken);
        var groupName = Unique($"group-of-{tenant.Name}");
        var group = (await (await client.PostAsJsonAsync("/api/v1/agent-groups", new AgentGroupRequest(groupName, null)))
            .Content.ReadFromJsonAsync<AgentGroupResponse>())!;
        var enrolment = (await (await client.PostAsJsonAsync("/api/v1/enrolment-tokens", new EnrolmentTokenRequest(Unique("enrol"), group.Id, null)))
            .Content.ReadFromJsonAsync<EnrolmentTokenCreatedResponse>())!;
        var hostName = Unique($"host-of-{tenant.Name}");
        var agent = await Center.EnrolAsync(enrolment.Token, hostName, vcpus: 4);
        var userName = Unique($"operator-of-{tenant.Name}");
        var user = (await (await client.PostAsJsonAsync("/api/v1/users", new UserRequest(userName, Roles.TenantOperator, null)))
            .Content.ReadFromJsonAsync<UserCreatedResponse>())!;
        var token = (await (await client.PostAsJsonAsync("/api/v1/tokens", new TokenRequest(Unique("automation"), 30)))
            .Content.ReadFromJsonAsync<TokenCreatedResponse>())!;
        var secretPath = $"/srv/{Unique($"private-of-{tenant.Name}")}";
        var task = (await (await client.PostAsJsonAsync("/api/v1/tasks", new TaskRequest("scan", [secretPath], [agent.AgentId], null, false)))
            .Content.ReadFromJsonAsync<TaskResponse>())!;
        var excluded = $"/data/{Unique($"excluded-of-{tenant.Name}")}/**";
        using var policy = await client.PutAsync($"/api/v1/agent-groups/{group.Id}/policy", new StringContent(
            PolicyJson.Serialize(new PolicyDocument { OnDemand = new OnDemandPolicy { ExcludedPaths = [excluded] } }), Encoding.UTF8, "application/json"));
        Assert.True(policy.IsSuccessStatusCode, await policy.Content.ReadAsStringAsync());
        var detectedPath = $"/home/{Unique($"detected-of-{tenant.Name}")}/invoice.pdf";
        await using (var scope = Center.Scope(TenantScope.ForTenant(tenant.Id)))
        {
            // An agent key, so that a restore can be prepared for its items.
            using var agentKey = System.Security.Cryptography.RSA.Create(2048);
            var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
            (await db.Agents.SingleAsync(a => a.Id == agent.AgentId)).PublicKey = agentKey.ExportSubjectPublicKeyInfo();
            await db.SaveChangesAsync();
            var ack = await scope.ServiceProvider.GetRequiredService<EventIngestion>().IngestAsync(agent.AgentId,
                [new AgentEventMessage { EventId = Guid.NewGuid().ToString(), Type = "detection", PayloadJson = JsonSerializer.Serialize(new { path = detectedPath }) }],
                CancellationToken.None);
            Assert.Equal(1, ack.Accepted);
        }
        var keyUpload = TenantSide.NewKey($"secret of {tenant.Name}");
        using var quarantineKey = await client.PostAsJsonAsync("/api/v1/quarantine/key", keyUpload);
        Assert.True(quarantineKey.IsSuccessStatusCode, await quarantineKey.Content.ReadAsStringAsync());
        var quarantinedPath = $"/home/{Unique($"quarantined-of-{tenant.Name}")}/payroll.xlsx";
        Guid quarantineItemId;
        await using (var scope = Center.Scope(TenantScope.ForTenant(tenant.Id)))
        {
            var itemId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
            var payload = JsonSerializer.Serialize(new
            {
                itemId,
                encryptedPath = Convert.ToBase64String(QuarantinePathSeal.Seal(QuarantineKeys.ImportPublicKeyPem(keyUpload.PublicKeyPem!), itemId, quarantinedPath)),
                names = new[] { "Eicar-Signature" },
                sha256 = new string('a', 64),
                size = 68,
                quarantinedAt = DateTimeOffset.UtcNow,
                wrappedDataKey = Convert.ToBase64String(new byte[384]),
                keyFingerprint = new string('b', 64),
            });
            await scope.ServiceProvider.GetRequiredService<QuarantineRestores>().RecordItemsAsync(agent.AgentId,
                [new AgentEventMessage { EventId = Guid.NewGuid().ToString(), Type = QuarantineRestores.ItemEventType, PayloadJson = payload }],
                CancellationToken.None);
            quarantineItemId = await scope.ServiceProvider.GetRequiredService<CenterDbContext>().QuarantineItems.Select(i => i.Id).SingleAsync();
        }
        // A licence the provider granted (tenants read their own, the provider every tenant's).
        var licence = (await (await Center.Client(Center.ProviderToken).PostAsJsonAsync($"/api/v1/tenants/{tenant.Id}/licences",
            new LicenceRequest(3, null, null, 30))).Content.ReadFromJsonAsync<LicenceResponse>())!;
        // A hunt: its id and hashes are the tenant's.
        var huntedHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(tenant.Name)));
        var hunt = (await (await client.PostAsJsonAsync("/api/v1/hunts", new Lightshield.Center.Hunts.HuntRequest([huntedHash])))
            .Content.ReadFromJsonAsync<Lightshield.Center.Hunts.HuntResponse>())!;
        var values = new Dictionary<string, string>
        {
            ["huntId"] = hunt.Id.ToString(),
            ["outbreakHuntId"] = Guid.NewGuid().ToString(), // outbreak hunts are the provider's: tenants get 403 whatever the id
            ["licenceId"] = licence.Id.ToString(),
            ["taskId"] = task.Id.ToString(),
            ["itemId"] = quarantineItemId.ToString(),
            ["tenantId"] = tenant.Id.ToString(),
            ["tenantName"] = tenant.Name,
            ["groupId"] = group.Id.ToString(),
            ["enrolmentTokenId"] = enrolment.Info.Id.ToString(),
            ["agentId"] = agent.AgentId.ToString(),
            ["userId"] = user.User.Id.ToString(),
            ["tokenId"] = token.Info.Id.ToString(),
            ["versionId"] = "1", // update versions are the provider's: every tenant gets 403 whatever the number
            ["instanceId"] = "i-" + tenant.Id.ToString("N"), // the inventory is the provider's: tenants get 403 whatever the id
            ["centerId"] = tenant.Id.ToString(), // linked tenant centers are the provider's: tenants get 403 whatever the id
            ["site"] = "default", // sites are the provider's: tenants get 403 whatever the name
        };
        string[] secrets = [group.Id.ToString(), groupName, enrolment.Info.Id.ToString(), agent.AgentId.ToString(), agent.CredentialId,
            hostName, user.User.Id.ToString(), userName, token.Info.Id.ToString(), task.Id.ToString(), secretPath, excluded, detectedPath,
            quarantineItemId.ToString(), quarantinedPath, hunt.Id.ToString(), huntedHash];
        return new Resources(values, secrets);
    }

    /// <summary>Everything of tenant B, read past the filters, to prove the walks changed nothing.</summary>
    private async Task<string> SnapshotAsync(Guid tenantId)
    {
        await using var scope = Center.Scope(TenantScope.System);
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var snapshot = new
        {
            tenant = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).ToListAsync(),
            users = (await db.Users.AsNoTracking().Where(u => u.TenantId == tenantId).ToListAsync()).OrderBy(u => u.Id),
            tokens = (await db.ApiTokens.AsNoTracking().Where(t => t.TenantId == tenantId).ToListAsync()).OrderBy(t => t.Id),
            groups = (await db.AgentGroups.AsNoTracking().Where(g => g.TenantId == tenantId).ToListAsync()).OrderBy(g => g.Id),
            enrolment = (await db.EnrolmentTokens.AsNoTracking().Where(t => t.TenantId == tenantId).ToListAsync()).OrderBy(t => t.Id),
            agents = (await db.Agents.AsNoTracking().Where(a => a.TenantId == tenantId).ToListAsync()).OrderBy(a => a.Id),
            policies = (await db.GroupPolicies.AsNoTracking().Where(p => p.TenantId == tenantId).ToListAsync()).OrderBy(p => p.Id),
            tasks = (await db.ScanTasks.AsNoTracking().Where(t => t.TenantId == tenantId).ToListAsync()).OrderBy(t => t.Id),
            runs = (await db.AgentTaskRuns.AsNoTracking().Where(r => r.TenantId == tenantId).ToListAsync()).OrderBy(r => r.Id),
            quarantine = (await db.QuarantineItems.AsNoTracking().Where(i => i.TenantId == tenantId).ToListAsync()).OrderBy(i => i.Id),
            quarantineKeys = await db.QuarantineKeys.AsNoTracking().Where(k => k.TenantId == tenantId).ToListAsync(),
            events = (await db.AgentEvents.AsNoTracking().Where(e => e.TenantId == tenantId).ToListAsync()).OrderBy(e => e.EventId),
            audit = await db.AuditEntries.AsNoTracking().Where(e => e.TenantId == tenantId).OrderBy(e => e.Sequence).ToListAsync(),
            licences = (await db.TenantLicences.AsNoTracking().Where(l => l.TenantId == tenantId).ToListAsync()).OrderBy(l => l.Serial),
            presence = (await db.AgentPresences.AsNoTracking().Where(p => p.TenantId == tenantId).ToListAsync()).OrderBy(p => p.Id),
            licenceStatus = await db.LicenceStatuses.AsNoTracking().Where(l => l.TenantId == tenantId).ToListAsync(),
            usage = (await db.UsageHours.AsNoTracking().Where(h => h.TenantId == tenantId).ToListAsync()).OrderBy(h => h.Hour),
        };
        return JsonSerializer.Serialize(snapshot);
    }

    [GeneratedRegex(@"\{(\w+)(:[^}]*)?\}")]
    private static partial Regex RouteParameter();

    private sealed record ApiEndpoint(string Method, string Route, IReadOnlyList<string> Parameters, IReadOnlyList<string> Policies)
    {
        public override string ToString() => $"{Method} {Route}";
    }

    private sealed record Answer(HttpStatusCode Status, string Body, string Request);

    private sealed record Resources(Dictionary<string, string> Values, string[] Secrets);

    private sealed record World(TestTenant A, TestTenant B, Dictionary<string, string> ValuesOfA, Dictionary<string, string> ValuesOfB, string[] SecretsOfB)
    {
        public Guid GroupOfB => Guid.Parse(ValuesOfB["groupId"]);

        public Guid AgentOfB => Guid.Parse(ValuesOfB["agentId"]);
    }
}

public sealed class TenantIsolationTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : TenantIsolationTests<SqliteTestDatabase>(fixture);

public sealed class TenantIsolationTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : TenantIsolationTests<PostgresTestDatabase>(fixture);
