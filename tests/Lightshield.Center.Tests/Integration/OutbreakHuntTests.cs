using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Google.Protobuf;
using Lightshield.Center.Hunts;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Protocol.Center;
using HuntFileState = Lightshield.Protocol.Center.HuntFileState;

namespace Lightshield.Center.Tests.Integration;

/// <summary>Decision 42 over the real REST API and agent gateway: the provider hunts an outbreak's hashes across
/// tenants; each tenant sees its own hunt with paths and VMs; the provider's view holds counts per tenant and nothing a
/// tenant's VMs said (no path, file, VM name); tenants cannot start or read outbreak hunts.</summary>
public abstract class OutbreakHuntTests<TDatabase>(CenterFixture<TDatabase> fixture) : IntegrationTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    [Fact]
    public async Task The_provider_sees_counts_per_tenant_only_and_each_tenant_its_own_results()
    {
        var infected = await Driver.CreateTenantAsync();
        var spared = await Driver.CreateTenantAsync();
        var web = await Driver.EnrolAsync(infected, hostName: "web-secret-hostname");
        var db = await Driver.EnrolAsync(infected, hostName: "db-secret-hostname");
        var other = await Driver.EnrolAsync(spared, hostName: "spared-vm");
        var hashes = Enumerable.Range(0, 3).Select(_ => RandomNumberGenerator.GetBytes(32)).ToList();

        using var started = await Driver.Provider.PostAsJsonAsync("/api/v1/outbreak-hunts", new HuntRequest([.. hashes.Select(Convert.ToHexStringLower)]));
        var outbreak = await IntegrationDriver.ReadAsync<OutbreakHuntResponse>(started, HttpStatusCode.Created);
        await AnswerAsync(web.Credential, ("/srv/secret/dropper.bin", hashes[0]), ("/tmp/secret-2.bin", hashes[1]));
        await AnswerAsync(db.Credential);
        Assert.Single((await Driver.SyncAsync(other.Credential)).Hunts); // spared-vm has not answered yet

        using var provider = await Driver.Provider.GetAsync($"/api/v1/outbreak-hunts/{outbreak.Id}");
        var raw = await provider.Content.ReadAsStringAsync();
        var view = await IntegrationDriver.ReadAsync<OutbreakHuntResponse>(provider, HttpStatusCode.OK);
        var tenantHunt = Assert.Single(await GetAsync<List<HuntResponse>>(infected, "/api/v1/hunts"));
        var tenantAgents = await GetAsync<List<HuntAgentResponse>>(infected, $"/api/v1/hunts/{tenantHunt.Id}/agents");
        var sparedHunt = Assert.Single(await GetAsync<List<HuntResponse>>(spared, "/api/v1/hunts"));
        using var tenantStart = await Driver.Client(infected.AdminToken).PostAsJsonAsync("/api/v1/outbreak-hunts", new HuntRequest([Convert.ToHexStringLower(hashes[0])]));
        using var tenantRead = await Driver.Client(infected.AdminToken).GetAsync($"/api/v1/outbreak-hunts/{outbreak.Id}");

        var infectedCounts = Assert.Single(view.Tenants, t => t.TenantId == infected.Id);
        Assert.Equal((2, 2, 1, 2), (infectedCounts.Agents, infectedCounts.Answered, infectedCounts.AgentsWithMatches, infectedCounts.Files));
        var sparedCounts = Assert.Single(view.Tenants, t => t.TenantId == spared.Id);
        Assert.Equal((1, 0, 0, 0), (sparedCounts.Agents, sparedCounts.Answered, sparedCounts.AgentsWithMatches, sparedCounts.Files));
        foreach (var secret in new[] { "secret", "dropper", "hostname", "spared-vm", web.AgentId, Convert.ToHexStringLower(hashes[0]), tenantHunt.Id.ToString() })
        {
            Assert.DoesNotContain(secret, raw, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Equal(("outbreak", 3), (tenantHunt.Kind, tenantHunt.Hashes));
        Assert.Equal(["/srv/secret/dropper.bin", "/tmp/secret-2.bin"],
            tenantAgents.Single(a => a.AgentHostName == "web-secret-hostname").Files.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.NotEqual(tenantHunt.Id, sparedHunt.Id);
        Assert.Equal(HttpStatusCode.Forbidden, tenantStart.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, tenantRead.StatusCode);
        Assert.Contains(await Driver.AuditAsync(infected.AdminToken), e => e.Action == "hunt.outbreak" && e.Target == $"hunt/{tenantHunt.Id}");
    }

    private async Task AnswerAsync(string credential, params (string Path, byte[] Sha256)[] files)
    {
        var order = Assert.Single((await Driver.SyncAsync(credential)).Hunts);
        var report = new HuntReport { HuntId = order.HuntId };
        report.Matches.AddRange(files.Select(f => new HuntFileMatch
        {
            Path = f.Path,
            Sha256 = ByteString.CopyFrom(f.Sha256),
            Size = 10,
            LastScannedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            State = HuntFileState.Present,
        }));
        var request = new SyncRequest { Health = new HealthReport { VirtualCpus = 2 } };
        request.HuntReports.Add(report);
        await Driver.Agents.SyncAsync(request, IntegrationDriver.Bearer(credential));
    }

    private async Task<T> GetAsync<T>(WorldTenant tenant, string path)
    {
        using var response = await Driver.Client(tenant.AdminToken).GetAsync(path);
        return await IntegrationDriver.ReadAsync<T>(response, HttpStatusCode.OK);
    }
}

public sealed class OutbreakHuntTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : OutbreakHuntTests<SqliteTestDatabase>(fixture);

public sealed class OutbreakHuntTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : OutbreakHuntTests<PostgresTestDatabase>(fixture);
