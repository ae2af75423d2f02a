using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Lightshield.Center.Hierarchy;
using Lightshield.Center.Hierarchy.Moves;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Protocol.Link;
using Lightshield.Protocol.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Center.Tests.Hierarchy;

/// <summary>A hostile tenant center using a move to reach what is not its own: another tenant's rows, a move it was not
/// ordered, other tenants' agents; and a credential of the main center presented to a tenant center that never imported
/// its agent. Raw calls against real centers on loopback.</summary>
public sealed class HierarchyMoveAdversarialTests(LiveCenter<SqliteTestDatabase> main) : IClassFixture<LiveCenter<SqliteTestDatabase>>
{
    private CenterLink.CenterLinkClient Link { get; } = new(GrpcChannels.Open(main.GrpcAddress, main.CertificateFingerprint));

    private async Task<List<LinkTenantRows>> PullAsync(string credential, string moveId)
    {
        using var call = Link.PullTenant(new LinkPullTenantRequest { MoveId = moveId }, IntegrationDriver.Bearer(credential));
        var rows = new List<LinkTenantRows>();
        await foreach (var message in call.ResponseStream.ReadAllAsync())
        {
            rows.Add(message);
        }
        return rows;
    }

    private async Task<TenantMoveView> OrderMoveAsync(Guid centerId, string address = "https://own.example:5001")
    {
        using var response = await main.Driver.Provider.PostAsJsonAsync($"/api/v1/tenant-centers/{centerId}/move-in", new MoveRequest(address, null));
        return await IntegrationDriver.ReadAsync<TenantMoveView>(response, HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task A_tenant_center_pulls_only_a_move_ordered_for_itself_and_never_another_tenants_rows()
    {
        var (tenantA, linkA) = await HierarchyWorld.LinkNewTenantAsync(main);
        var (tenantB, linkB) = await HierarchyWorld.LinkNewTenantAsync(main);
        var agentA = await main.Driver.EnrolAsync(tenantA, hostName: "vm-of-a");
        await main.Driver.EnrolAsync(tenantB, hostName: "vm-of-b");
        // Events near the payload limit: a move sends them in several messages, each under the link's message limit.
        var events = new Lightshield.Protocol.Center.EventBatch();
        for (var i = 0; i < 30; i++)
        {
            events.Events.Add(new Lightshield.Protocol.Center.AgentEventMessage
            {
                EventId = Guid.NewGuid().ToString(),
                CreatedUnixMs = main.Time.GetUtcNow().ToUnixTimeMilliseconds(),
                Type = "note",
                PayloadJson = System.Text.Json.JsonSerializer.Serialize(new { text = new string('x', 12_000) }),
            });
        }
        Assert.Equal(30, (await main.Driver.Agents.ReportEventsAsync(events, IntegrationDriver.Bearer(agentA.Credential))).Accepted);

        // Nothing ordered yet: even its own tenant is not handed out.
        var unordered = await Assert.ThrowsAsync<RpcException>(() => PullAsync(linkA.Credential, Guid.NewGuid().ToString()));
        Assert.Equal(StatusCode.PermissionDenied, unordered.StatusCode);

        var moveOfA = await OrderMoveAsync(linkA.Center.Id);
        // B's center names A's move: refused, nothing of A sent.
        var stolen = await Assert.ThrowsAsync<RpcException>(() => PullAsync(linkB.Credential, moveOfA.Id.ToString()));
        Assert.Equal(StatusCode.PermissionDenied, stolen.StatusCode);
        var forged = await Assert.ThrowsAsync<RpcException>(() => PullAsync(LinkedCenterPrefixed("forged"), moveOfA.Id.ToString()));
        Assert.Equal(StatusCode.Unauthenticated, forged.StatusCode);

        // A's own pull carries A's rows only.
        var rows = await PullAsync(linkA.Credential, moveOfA.Id.ToString());
        var json = string.Concat(rows.Select(r => r.RowsJson));
        Assert.Contains("vm-of-a", json, StringComparison.Ordinal);
        Assert.Contains(tenantA.Id.ToString(), json, StringComparison.Ordinal);
        Assert.DoesNotContain("vm-of-b", json, StringComparison.Ordinal);
        Assert.DoesNotContain(tenantB.Id.ToString(), json, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(rows[^1].AuditDigest));
        var eventMessages = rows.Where(r => r.Kind == TenantRowKinds.Events).ToList();
        Assert.True(eventMessages.Count > 1, "30 events of 12 kB go in several messages");
        Assert.All(eventMessages, m => Assert.True(m.CalculateSize() < LinkRequestLimits.MaxMessageBytes));
        Assert.Equal(30, eventMessages.Sum(m => System.Text.Json.JsonDocument.Parse(m.RowsJson).RootElement.GetArrayLength()));
    }

    [Fact]
    public async Task A_tenant_center_cannot_complete_another_tenants_move_and_only_the_moved_tenants_agents_are_redirected()
    {
        var (tenantA, linkA) = await HierarchyWorld.LinkNewTenantAsync(main);
        var (tenantB, linkB) = await HierarchyWorld.LinkNewTenantAsync(main);
        var agentA = await main.Driver.EnrolAsync(tenantA);
        var agentB = await main.Driver.EnrolAsync(tenantB);
        var moveOfA = await OrderMoveAsync(linkA.Center.Id);
        await PullAsync(linkA.Credential, moveOfA.Id.ToString());

        // B's center reports A's move applied: nothing changes for A.
        await Link.ExchangeAsync(new LinkExchangeRequest
        {
            Items = { new LinkUpItem { Sequence = 1, MoveApplied = new LinkMoveApplied { MoveId = moveOfA.Id.ToString(), Agents = 1 } } },
        }, IntegrationDriver.Bearer(linkB.Credential));
        Assert.Equal("pulled", (await MoveOfAsync(linkA.Center.Id)).State);
        Assert.Null((await main.Driver.SyncAsync(agentA.Credential)).MovedTo);

        await Link.ExchangeAsync(new LinkExchangeRequest
        {
            Items = { new LinkUpItem { Sequence = 1, MoveApplied = new LinkMoveApplied { MoveId = moveOfA.Id.ToString(), Agents = 1 } } },
        }, IntegrationDriver.Bearer(linkA.Credential));
        Assert.Equal("applied", (await MoveOfAsync(linkA.Center.Id)).State);
        main.Time.Advance(TimeSpan.FromSeconds(11)); // past the redirect cache's memory of "not moved"
        Assert.Equal("https://own.example:5001/", (await main.Driver.SyncAsync(agentA.Credential)).MovedTo?.Address);
        Assert.Null((await main.Driver.SyncAsync(agentB.Credential)).MovedTo);

        // The moved tenant's center can no longer pull it.
        var again = await Assert.ThrowsAsync<RpcException>(() => PullAsync(linkA.Credential, moveOfA.Id.ToString()));
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
    }

    [Fact]
    public async Task A_tenant_center_accepts_a_credential_of_the_main_center_only_for_an_agent_it_imported_and_renews_it()
    {
        var (tenantA, linkA) = await HierarchyWorld.LinkNewTenantAsync(main);
        var tenantB = await main.Driver.CreateTenantAsync();
        var agentA = await main.Driver.EnrolAsync(tenantA);
        var agentB = await main.Driver.EnrolAsync(tenantB);
        await using var center = await HierarchyWorld.StartTenantCenterAsync<SqliteTestDatabase>(linkA);
        await center.ExchangeAsync();

        // Before the move the tenant center trusts nothing of the main center's.
        var early = await Assert.ThrowsAsync<RpcException>(() => center.Driver.SyncAsync(agentA.Credential));
        Assert.Equal(StatusCode.Unauthenticated, early.StatusCode);

        await OrderMoveAsync(linkA.Center.Id, center.GrpcAddress.ToString());
        await center.ExchangeAsync();
        center.Time.Advance(TimeSpan.FromSeconds(6)); // past the former keys' memory of "none"

        var renewed = await center.Driver.SyncAsync(agentA.Credential);
        Assert.False(string.IsNullOrEmpty(renewed.RenewedCredential), "a moved agent's credential is renewed under the new center's key");
        Assert.NotEqual(agentA.Credential, renewed.RenewedCredential);
        // The renewed one is this center's own: it works with the former keys out of the picture too.
        var next = await center.Driver.SyncAsync(renewed.RenewedCredential);
        Assert.True(string.IsNullOrEmpty(next.RenewedCredential), "renewed once, not at every sync");

        // Another tenant's agent, validly signed by the main center, is nobody here: the main center's keys vouch for the
        // moved tenant's agents only.
        var stranger = await Assert.ThrowsAsync<RpcException>(() => center.Driver.SyncAsync(agentB.Credential));
        Assert.Equal(StatusCode.Unauthenticated, stranger.StatusCode);
        Assert.Contains("unknown key", stranger.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenant_center_moving_back_pushes_only_its_own_tenant_and_its_keys_open_only_its_own_agents_at_the_main()
    {
        var (tenantA, linkA) = await HierarchyWorld.LinkNewTenantAsync(main);
        var (tenantB, linkB) = await HierarchyWorld.LinkNewTenantAsync(main);
        var agentB = await main.Driver.EnrolAsync(tenantB);
        await using var center = await HierarchyWorld.StartTenantCenterAsync<SqliteTestDatabase>(linkA);
        await center.ExchangeAsync();
        var agentA = await center.Driver.EnrolAsync(await center.TenantAsync(tenantA.Name));
        using (var order = await main.Driver.Provider.PostAsJsonAsync($"/api/v1/tenant-centers/{linkA.Center.Id}/move-back",
            new MoveRequest(main.GrpcAddress.ToString(), main.CertificateFingerprint)))
        {
            Assert.Equal(HttpStatusCode.Accepted, order.StatusCode);
        }
        var back = await MoveOfAsync(linkA.Center.Id);

        // B's center pushes into A's move: refused.
        var stolen = await Assert.ThrowsAsync<RpcException>(() => PushAsync(linkB.Credential, back.Id, []));
        Assert.Equal(StatusCode.PermissionDenied, stolen.StatusCode);
        // A's center slips a row of tenant B in: the whole push is refused, nothing applied.
        var foreignGroup = System.Text.Json.JsonSerializer.Serialize(new[] { new Lightshield.Center.Agents.AgentGroup { Id = Guid.NewGuid(), TenantId = tenantB.Id, Name = "planted" } });
        var planted = await Assert.ThrowsAsync<RpcException>(() => PushAsync(linkA.Credential, back.Id,
            [new LinkTenantRows { Kind = TenantRowKinds.Groups, RowsJson = foreignGroup }, new LinkTenantRows { AuditDigest = TenantRowKinds.AuditDigest([]) }]));
        Assert.Equal(StatusCode.InvalidArgument, planted.StatusCode);
        Assert.Equal("ordered", (await MoveOfAsync(linkA.Center.Id)).State);

        await center.ExchangeAsync();
        Assert.Equal(("back", "applied"), ((await MoveOfAsync(linkA.Center.Id)).Direction, (await MoveOfAsync(linkA.Center.Id)).State));
        main.Time.Advance(TimeSpan.FromSeconds(6)); // past the former keys' memory of "none"

        // The tenant center's credential of its own agent opens the main center once, renewed there.
        var renewed = await main.Driver.SyncAsync(agentA.Credential);
        Assert.False(string.IsNullOrEmpty(renewed.RenewedCredential));
        // The tenant center signs a credential for B's agent with its key: the main center accepts its key for tenant A only.
        var keysOfMain = await main.Services.GetRequiredService<Lightshield.Center.Integration.CenterSigningKeys>().CurrentAsync(default);
        var claimsOfB = keysOfMain.Verifier.Verify(agentB.Credential).Claims!;
        var keysOfA = await center.Services.GetRequiredService<Lightshield.Center.Integration.CenterSigningKeys>().CurrentAsync(default);
        var forged = await Assert.ThrowsAsync<RpcException>(() => main.Driver.SyncAsync(keysOfA.Signer.Issue(claimsOfB)));
        Assert.Equal(StatusCode.Unauthenticated, forged.StatusCode);
    }

    private async Task<LinkMoveApplied> PushAsync(string credential, Guid moveId, IReadOnlyList<LinkTenantRows> rows)
    {
        using var call = Link.PushTenant(IntegrationDriver.Bearer(credential));
        await call.RequestStream.WriteAsync(new LinkTenantRows { MoveId = moveId.ToString() });
        foreach (var message in rows)
        {
            await call.RequestStream.WriteAsync(message);
        }
        await call.RequestStream.CompleteAsync();
        return await call;
    }

    private async Task<TenantMoveView> MoveOfAsync(Guid centerId) =>
        await IntegrationDriver.ReadAsync<TenantMoveView>(await main.Driver.Provider.GetAsync($"/api/v1/tenant-centers/{centerId}/move-in"),
            HttpStatusCode.OK);

    private static string LinkedCenterPrefixed(string value) => Lightshield.Center.Hierarchy.LinkedCenter.Prefix + value;
}
