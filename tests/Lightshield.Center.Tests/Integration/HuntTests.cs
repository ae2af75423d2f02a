using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Lightshield.Center.Hunts;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Protocol.Center;
using HuntFileState = Lightshield.Protocol.Center.HuntFileState;

namespace Lightshield.Center.Tests.Integration;

/// <summary>Decision 32, the center's side, over its real REST API and agent gateway: a tenant hunts 1,000 SHA-256, each
/// agent gets the hunt with its sync until it answers, answers are kept per VM with their paths, an agent that has not
/// answered shows as such, and nobody can read or answer a hunt that is not theirs: an item for a hunt never sent to the
/// agent is dropped alone and named back as unknown (decision 68), the rest of its sync applies.</summary>
public abstract class HuntTests<TDatabase>(CenterFixture<TDatabase> fixture) : IntegrationTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    [Fact]
    public async Task Hunt_of_1000_hashes_reaches_every_agent_and_returns_the_matching_vms_and_paths()
    {
        var tenant = await Driver.CreateTenantAsync();
        var web = await Driver.EnrolAsync(tenant, hostName: "web-1");
        var db = await Driver.EnrolAsync(tenant, hostName: "db-1");
        var hashes = Enumerable.Range(0, 1000).Select(_ => RandomNumberGenerator.GetBytes(32)).ToList();

        var hunt = await StartAsync(tenant, [.. hashes.Select(h => Convert.ToHexString(h))]); // upper case is accepted
        var webOrder = Assert.Single((await Driver.SyncAsync(web.Credential)).Hunts);
        Assert.Single((await Driver.SyncAsync(db.Credential)).Hunts); // db-1 then goes offline without answering
        var report = new HuntReport { HuntId = webOrder.HuntId };
        report.Matches.Add(Match("/opt/app/dropper.bin", hashes[17], HuntFileState.Present));
        report.Matches.Add(Match("/tmp/x/dropper.bin", hashes[17], HuntFileState.Gone));
        report.Matches.Add(Match("/var/lib/loader.so", hashes[999], HuntFileState.Changed));
        var afterAnswer = await SyncWithAsync(web.Credential, report);
        var again = await SyncWithAsync(web.Credential, report); // sent again: kept once
        var shown = await GetAsync<HuntResponse>(tenant, $"/api/v1/hunts/{hunt.Id}");
        var agents = await GetAsync<List<HuntAgentResponse>>(tenant, $"/api/v1/hunts/{hunt.Id}/agents");

        Assert.Empty(webOrder.Sha256); // the hunt goes out as its prefix filter (decision 53), 6 bytes a hash
        Assert.Equal(HuntPrefixes.Encode(hashes.Select(h => HuntPrefixes.Of(h))), webOrder.Sha256Prefixes);
        Assert.Empty(afterAnswer.Hunts);
        Assert.Empty(again.Hunts);
        Assert.Equal((1000, 2, 1, 3), (shown.Hashes, shown.Agents, shown.Answered, shown.Matches));
        var webAnswer = Assert.Single(agents, a => a.AgentId == Guid.Parse(web.AgentId));
        Assert.True(webAnswer.Answered);
        Assert.Equal("web-1", webAnswer.AgentHostName);
        Assert.Equal(["/opt/app/dropper.bin:present", "/tmp/x/dropper.bin:gone", "/var/lib/loader.so:changed"],
            webAnswer.Files.Select(f => $"{f.Path}:{f.State}").Order(StringComparer.Ordinal));
        Assert.Equal(Convert.ToHexStringLower(hashes[999]), webAnswer.Files.Single(f => f.Path == "/var/lib/loader.so").Sha256);
        var dbAnswer = Assert.Single(agents, a => a.AgentId == Guid.Parse(db.AgentId));
        Assert.False(dbAnswer.Answered); // who has not answered yet
        Assert.Single((await Driver.SyncAsync(db.Credential)).Hunts); // and it gets the hunt again when it comes back
        Assert.Contains(await Driver.AuditAsync(tenant.AdminToken), e => e.Action == "hunt.start" && e.Target == $"hunt/{hunt.Id}");
    }

    [Fact]
    public async Task Quarantine_all_sends_each_agent_its_files_still_there_until_it_reports_done_and_only_the_owner_may_ask()
    {
        var tenant = await Driver.CreateTenantAsync();
        var attacker = await Driver.CreateTenantAsync();
        var holder = await Driver.EnrolAsync(tenant, hostName: "holder");
        var clean = await Driver.EnrolAsync(tenant, hostName: "clean");
        var hashes = Enumerable.Range(0, 3).Select(_ => RandomNumberGenerator.GetBytes(32)).ToList();
        var hunt = await StartAsync(tenant, [.. hashes.Select(Convert.ToHexStringLower)]);
        var order = Assert.Single((await Driver.SyncAsync(holder.Credential)).Hunts);
        Assert.Single((await Driver.SyncAsync(clean.Credential)).Hunts);
        var report = new HuntReport { HuntId = order.HuntId };
        report.Matches.Add(Match("/srv/a.bin", hashes[0], HuntFileState.Present));
        report.Matches.Add(Match("/srv/gone.bin", hashes[1], HuntFileState.Gone));
        report.Matches.Add(Match("/srv/c.bin", hashes[2], HuntFileState.Changed));
        await SyncWithAsync(holder.Credential, report);
        await SyncWithAsync(clean.Credential, new HuntReport { HuntId = order.HuntId });

        using var foreign = await Driver.Client(attacker.AdminToken).PostAsync($"/api/v1/hunts/{hunt.Id}/quarantine", null);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        var early = new SyncRequest { Health = new HealthReport { VirtualCpus = 2 } };
        early.HuntQuarantinesDone.Add(hunt.Id.ToString()); // done before it was ever asked
        var refused = await Driver.Agents.SyncAsync(early, IntegrationDriver.Bearer(holder.Credential));
        using var asked = await Driver.Client(tenant.AdminToken).PostAsync($"/api/v1/hunts/{hunt.Id}/quarantine", null);
        var answer = await IntegrationDriver.ReadAsync<HuntQuarantineResponse>(asked, HttpStatusCode.Accepted);
        var first = Assert.Single((await Driver.SyncAsync(holder.Credential)).HuntQuarantines);
        var again = Assert.Single((await Driver.SyncAsync(holder.Credential)).HuntQuarantines); // not reported done yet: sent again
        Assert.Empty((await Driver.SyncAsync(clean.Credential)).HuntQuarantines);
        var done = new SyncRequest { Health = new HealthReport { VirtualCpus = 2 } };
        done.HuntQuarantinesDone.Add(hunt.Id.ToString());
        var afterDone = await Driver.Agents.SyncAsync(done, IntegrationDriver.Bearer(holder.Credential));
        var agents = await GetAsync<List<HuntAgentResponse>>(tenant, $"/api/v1/hunts/{hunt.Id}/agents");

        Assert.Equal([hunt.Id.ToString()], refused.UnknownHunts);
        Assert.Equal(1, answer.Agents); // the agent without matches is not asked
        Assert.Equal(hunt.Id.ToString(), first.HuntId);
        Assert.Equal(["/srv/a.bin", "/srv/c.bin"], first.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Equal(Convert.ToHexStringLower(hashes[0]), Convert.ToHexStringLower(first.Files.Single(f => f.Path == "/srv/a.bin").Sha256.Span));
        Assert.Equal(first, again);
        Assert.Empty(afterDone.HuntQuarantines);
        Assert.Equal("done", agents.Single(a => a.AgentHostName == "holder").Quarantine);
        Assert.Null(agents.Single(a => a.AgentHostName == "clean").Quarantine);
        Assert.Contains(await Driver.AuditAsync(tenant.AdminToken), e => e.Action == "hunt.quarantine" && e.Target == $"hunt/{hunt.Id}");
    }

    [Fact]
    public async Task Another_tenant_can_neither_read_nor_answer_a_hunt()
    {
        var victim = await Driver.CreateTenantAsync();
        var attacker = await Driver.CreateTenantAsync();
        var victimAgent = await Driver.EnrolAsync(victim);
        var attackerAgent = await Driver.EnrolAsync(attacker);
        var hunt = await StartAsync(victim, [Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))]);
        Assert.Single((await Driver.SyncAsync(victimAgent.Credential)).Hunts);

        using var read = await Driver.Client(attacker.AdminToken).GetAsync($"/api/v1/hunts/{hunt.Id}");
        using var readAgents = await Driver.Client(attacker.AdminToken).GetAsync($"/api/v1/hunts/{hunt.Id}/agents");
        var attackerList = await GetAsync<List<HuntResponse>>(attacker, "/api/v1/hunts");
        Assert.Empty((await Driver.SyncAsync(attackerAgent.Credential)).Hunts);
        var forged = new HuntReport { HuntId = hunt.Id.ToString() };
        forged.Matches.Add(Match("/etc/forged", RandomNumberGenerator.GetBytes(32), HuntFileState.Present));
        var crossTenant = await SyncWithAsync(attackerAgent.Credential, forged);
        var madeUpId = Guid.NewGuid().ToString();
        var madeUp = await SyncWithAsync(victimAgent.Credential, new HuntReport { HuntId = madeUpId });

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, readAgents.StatusCode);
        Assert.DoesNotContain(attackerList, h => h.Id == hunt.Id);
        Assert.Equal([hunt.Id.ToString()], crossTenant.UnknownHunts); // dropped, not recorded in the victim's hunt
        Assert.Equal([madeUpId], madeUp.UnknownHunts);
        var victimView = await GetAsync<HuntResponse>(victim, $"/api/v1/hunts/{hunt.Id}");
        Assert.Equal((0, 0), (victimView.Answered, victimView.Matches));
    }

    [Fact]
    public async Task An_agent_cannot_answer_a_hunt_that_was_not_sent_to_it()
    {
        var tenant = await Driver.CreateTenantAsync();
        var early = await Driver.EnrolAsync(tenant, hostName: "early");
        var hunt = await StartAsync(tenant, [Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))]);
        var late = await Driver.EnrolAsync(tenant, hostName: "late"); // enrolled after the hunt: not one of its targets

        var refused = await SyncWithAsync(late.Credential, new HuntReport { HuntId = hunt.Id.ToString() });
        // Sent to "early" but not yet delivered: an answer before the order is dropped too.
        var undelivered = await SyncWithAsync(early.Credential, new HuntReport { HuntId = hunt.Id.ToString() });

        Assert.Equal([hunt.Id.ToString()], refused.UnknownHunts);
        Assert.Equal([hunt.Id.ToString()], undelivered.UnknownHunts);
        Assert.Single(undelivered.Hunts); // the rest of that sync went on: the hunt was delivered in its answer
        Assert.Equal(0, (await GetAsync<HuntResponse>(tenant, $"/api/v1/hunts/{hunt.Id}")).Answered);
    }

    [Fact]
    public async Task Candidates_are_confirmed_with_only_the_hunted_hashes_of_their_prefixes_and_only_for_hunts_sent_to_the_agent()
    {
        var tenant = await Driver.CreateTenantAsync();
        var attacker = await Driver.CreateTenantAsync();
        var agent = await Driver.EnrolAsync(tenant);
        var attackerAgent = await Driver.EnrolAsync(attacker);
        var hashes = Enumerable.Range(0, 50).Select(_ => RandomNumberGenerator.GetBytes(32)).ToList();
        var hunt = await StartAsync(tenant, [.. hashes.Select(Convert.ToHexStringLower)]);
        var order = Assert.Single((await Driver.SyncAsync(agent.Credential)).Hunts);
        var unhunted = RandomNumberGenerator.GetBytes(32); // a candidate by chance: its prefix is asked about, nothing comes back for it

        var answer = await SyncWithCandidatesAsync(agent.Credential, order.HuntId, HuntPrefixes.Of(hashes[7]), HuntPrefixes.Of(unhunted));
        var crossTenant = await SyncWithCandidatesAsync(attackerAgent.Credential, order.HuntId, HuntPrefixes.Of(hashes[0]));
        var tooMany = await Assert.ThrowsAsync<RpcException>(() => SyncWithCandidatesAsync(agent.Credential, order.HuntId,
            [.. Enumerable.Range(0, HuntPrefixes.MaxCandidates + 1).Select(i => (ulong)i)]));
        var torn = new SyncRequest { Health = new HealthReport { VirtualCpus = 2 } };
        torn.HuntCandidates.Add(new HuntCandidates { HuntId = order.HuntId, Sha256Prefixes = ByteString.CopyFrom(new byte[7]) });
        var tornRefused = await Assert.ThrowsAsync<RpcException>(async () => await Driver.Agents.SyncAsync(torn, IntegrationDriver.Bearer(agent.Credential)));

        var confirmation = Assert.Single(answer.HuntConfirmations);
        Assert.Equal(hunt.Id.ToString(), confirmation.HuntId);
        Assert.Equal([Convert.ToHexStringLower(hashes[7])], confirmation.Sha256.Select(h => Convert.ToHexStringLower(h.Span)));
        Assert.Empty(answer.Hunts); // waiting for this confirmation: the filter is not sent again with it
        Assert.Empty(crossTenant.HuntConfirmations); // nothing of the victim's hunt reaches the attacker's agent
        Assert.Equal([order.HuntId], crossTenant.UnknownHunts);
        Assert.Equal(StatusCode.InvalidArgument, tooMany.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, tornRefused.StatusCode);
        Assert.Contains("6-byte prefixes", tornRefused.Status.Detail, StringComparison.Ordinal);
        Assert.Single((await Driver.SyncAsync(agent.Credential)).Hunts); // still unanswered: the filter comes again
    }

    [Fact]
    public async Task A_sync_naming_another_centers_hunts_applies_its_own_hunt_items_and_names_the_others_unknown()
    {
        // An agent moved to this center mid-hunt still carries the old center's hunt: its report, candidates and a carried-out
        // quarantine order. Before decision 68 they refused the whole sync, so its own hunt's answer never got through.
        var tenant = await Driver.CreateTenantAsync();
        var agent = await Driver.EnrolAsync(tenant, hostName: "moved");
        var hashes = Enumerable.Range(0, 3).Select(_ => RandomNumberGenerator.GetBytes(32)).ToList();
        var hunt = await StartAsync(tenant, [.. hashes.Select(Convert.ToHexStringLower)]);
        var order = Assert.Single((await Driver.SyncAsync(agent.Credential)).Hunts);
        string oldCenters = Guid.NewGuid().ToString();
        var request = new SyncRequest { Health = new HealthReport { VirtualCpus = 2 } };
        var own = new HuntReport { HuntId = order.HuntId };
        own.Matches.Add(Match("/srv/own.bin", hashes[1], HuntFileState.Present));
        var foreign = new HuntReport { HuntId = oldCenters };
        foreign.Matches.Add(Match("/srv/old.bin", RandomNumberGenerator.GetBytes(32), HuntFileState.Present));
        request.HuntReports.Add(own);
        request.HuntReports.Add(foreign);
        request.HuntCandidates.Add(new HuntCandidates { HuntId = oldCenters, Sha256Prefixes = HuntPrefixes.Encode([HuntPrefixes.Of(hashes[0])]) });
        request.HuntQuarantinesDone.Add(oldCenters);

        var answer = await Driver.Agents.SyncAsync(request, IntegrationDriver.Bearer(agent.Credential));
        var agents = await GetAsync<List<HuntAgentResponse>>(tenant, $"/api/v1/hunts/{hunt.Id}/agents");

        Assert.Equal([oldCenters], answer.UnknownHunts);
        Assert.Empty(answer.HuntConfirmations); // the unknown hunt's candidates get no hashes, not even of this center's hunt
        Assert.Empty(answer.Hunts); // its own hunt is answered
        var row = Assert.Single(agents);
        Assert.True(row.Answered);
        Assert.Equal(["/srv/own.bin"], row.Files.Select(f => f.Path));
    }

    [Fact]
    public async Task Malformed_hashes_are_refused_with_what_is_wrong()
    {
        var tenant = await Driver.CreateTenantAsync();

        using var response = await Driver.Client(tenant.AdminToken).PostAsJsonAsync("/api/v1/hunts",
            new HuntRequest([Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), "not-a-hash", new string('a', 63)]));
        using var empty = await Driver.Client(tenant.AdminToken).PostAsJsonAsync("/api/v1/hunts", new HuntRequest([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("2 entries are not SHA-256", body, StringComparison.Ordinal);
        Assert.Contains("not-a-hash", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Empty(await GetAsync<List<HuntResponse>>(tenant, "/api/v1/hunts"));
    }

    private static HuntFileMatch Match(string path, byte[] sha256, HuntFileState state) => new()
    {
        Path = path,
        Sha256 = ByteString.CopyFrom(sha256),
        Size = 4096,
        LastScannedUnixMs = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds(),
        State = state,
    };

    private async Task<SyncResponse> SyncWithAsync(string credential, HuntReport report)
    {
        var request = new SyncRequest { Health = new HealthReport { VirtualCpus = 2 } };
        request.HuntReports.Add(report);
        return await Driver.Agents.SyncAsync(request, IntegrationDriver.Bearer(credential));
    }

    private async Task<SyncResponse> SyncWithCandidatesAsync(string credential, string huntId, params ulong[] prefixes)
    {
        var request = new SyncRequest { Health = new HealthReport { VirtualCpus = 2 } };
        request.HuntCandidates.Add(new HuntCandidates { HuntId = huntId, Sha256Prefixes = HuntPrefixes.Encode(prefixes) });
        return await Driver.Agents.SyncAsync(request, IntegrationDriver.Bearer(credential));
    }

    private async Task<HuntResponse> StartAsync(WorldTenant tenant, IReadOnlyList<string> hashes)
    {
        using var response = await Driver.Client(tenant.AdminToken).PostAsJsonAsync("/api/v1/hunts", new HuntRequest(hashes));
        return await IntegrationDriver.ReadAsync<HuntResponse>(response, HttpStatusCode.Created);
    }

    private async Task<T> GetAsync<T>(WorldTenant tenant, string path)
    {
        using var response = await Driver.Client(tenant.AdminToken).GetAsync(path);
        return await IntegrationDriver.ReadAsync<T>(response, HttpStatusCode.OK);
    }
}

public sealed class HuntTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : HuntTests<SqliteTestDatabase>(fixture);

public sealed class HuntTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : HuntTests<PostgresTestDatabase>(fixture);
