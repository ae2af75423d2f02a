using System.Net;
using Grpc.Core;
using Lightshield.Center.Hierarchy;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Protocol.Link;
using Lightshield.Protocol.Transport;

namespace Lightshield.Center.Tests.Hierarchy;

/// <summary>A hostile tenant center (or anyone who reaches the main center's gRPC port) speaking the link protocol as it
/// likes: each defence of the main center's end of the link is attacked here with raw calls.</summary>
public sealed class HierarchyLinkAdversarialTests(LiveCenter<SqliteTestDatabase> main) : IClassFixture<LiveCenter<SqliteTestDatabase>>
{
    private CenterLink.CenterLinkClient Link { get; } = new(GrpcChannels.Open(main.GrpcAddress, main.CertificateFingerprint));

    private long HourNow => UsageHour(main.Time.GetUtcNow());

    private static long UsageHour(DateTimeOffset time) => time.ToUnixTimeSeconds() / 3600 * 3600;

    private Task<LinkExchangeResponse> ExchangeAsync(string credential, LinkExchangeRequest request) =>
        Link.ExchangeAsync(request, IntegrationDriver.Bearer(credential)).ResponseAsync;

    private static LinkExchangeRequest Usage(long sequence, long hour, long vcpuSeconds, int peak, string tenantId = "") => new()
    {
        TenantId = tenantId,
        Items = { new LinkUpItem { Sequence = sequence, Usage = new LinkUsageBucket { HourUnix = hour, VcpuSeconds = vcpuSeconds, PeakVcpus = peak } } },
    };

    private async Task<long> BilledSecondsAsync(Guid tenantId) =>
        (await HierarchyWorld.BilledAsync(main.Driver, tenantId, main.Time.GetUtcNow())).VcpuSeconds;

    [Fact]
    public async Task A_forged_or_missing_credential_is_refused()
    {
        foreach (var credential in new[] { LinkedCenter.Prefix + "forged-credential-of-nobody", "" })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => ExchangeAsync(credential, new LinkExchangeRequest()));
            Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        }
    }

    [Fact]
    public async Task A_revoked_credential_is_refused()
    {
        var (_, link) = await HierarchyWorld.LinkNewTenantAsync(main);
        await ExchangeAsync(link.Credential, new LinkExchangeRequest());
        using (await main.Driver.Provider.DeleteAsync($"/api/v1/tenant-centers/{link.Center.Id}"))
        {
        }
        var refused = await Assert.ThrowsAsync<RpcException>(() => ExchangeAsync(link.Credential, new LinkExchangeRequest()));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    [Fact]
    public async Task Another_tenants_credential_is_refused_and_a_credential_only_ever_counts_for_its_own_tenant()
    {
        var (tenantA, linkA) = await HierarchyWorld.LinkNewTenantAsync(main);
        var (tenantB, linkB) = await HierarchyWorld.LinkNewTenantAsync(main);

        // Center A, handed B's credential, says whose data it holds: the main center refuses to count it as B's.
        var refused = await Assert.ThrowsAsync<RpcException>(() => ExchangeAsync(linkB.Credential, Usage(1, HourNow, 3600, 1, tenantA.Id.ToString())));
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);

        // The request names no tenant to push for: what A's credential sends lands on A, never on B.
        await ExchangeAsync(linkA.Credential, Usage(1, HourNow, 7200, 2, tenantA.Id.ToString()));
        Assert.Equal(7200, await BilledSecondsAsync(tenantA.Id));
        Assert.Equal(0, await BilledSecondsAsync(tenantB.Id));
    }

    [Fact]
    public async Task A_replayed_exchange_is_not_counted_twice_and_a_later_value_for_a_bucket_replaces_the_earlier()
    {
        var (tenant, link) = await HierarchyWorld.LinkNewTenantAsync(main);
        var first = await ExchangeAsync(link.Credential, Usage(1, HourNow, 3600, 1));
        Assert.Equal(1, first.AcknowledgedSequence);
        await ExchangeAsync(link.Credential, Usage(1, HourNow, 3600, 1));
        Assert.Equal(3600, await BilledSecondsAsync(tenant.Id));
        await ExchangeAsync(link.Credential, Usage(2, HourNow, 5400, 2));
        Assert.Equal(5400, await BilledSecondsAsync(tenant.Id));
    }

    [Fact]
    public async Task Garbage_is_refused_whole_with_every_problem_named_and_nothing_applied()
    {
        var (tenant, link) = await HierarchyWorld.LinkNewTenantAsync(main);
        var garbage = new LinkExchangeRequest
        {
            Items =
            {
                new LinkUpItem { Sequence = 1, Usage = new LinkUsageBucket { HourUnix = HourNow, VcpuSeconds = 3600, PeakVcpus = 1 } },
                new LinkUpItem { Sequence = 2, Usage = new LinkUsageBucket { HourUnix = HourNow + 1800, VcpuSeconds = 10, PeakVcpus = 1 } },
                new LinkUpItem { Sequence = 3, Snapshot = new LinkSnapshot { Agents = 1, ProtectedAgents = 5 } },
                new LinkUpItem { Sequence = 3 },
            },
        };
        var refused = await Assert.ThrowsAsync<RpcException>(() => ExchangeAsync(link.Credential, garbage));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("not a whole past hour", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("inconsistent", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("sequences must be positive and increase", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await BilledSecondsAsync(tenant.Id));

        var impossible = await Assert.ThrowsAsync<RpcException>(() => ExchangeAsync(link.Credential, Usage(1, HourNow, 3601, 1)));
        Assert.Contains("not possible in one hour", impossible.Status.Detail, StringComparison.Ordinal);

        var gap = await Assert.ThrowsAsync<RpcException>(() => ExchangeAsync(link.Credential, Usage(5, HourNow, 60, 1)));
        Assert.Equal(StatusCode.FailedPrecondition, gap.StatusCode);
        Assert.Equal(0, await BilledSecondsAsync(tenant.Id));
    }

    [Fact]
    public async Task Too_many_items_or_an_oversized_message_get_a_clear_error_and_the_main_center_stays_up()
    {
        var (_, link) = await HierarchyWorld.LinkNewTenantAsync(main);
        var many = new LinkExchangeRequest();
        many.Items.AddRange(Enumerable.Range(1, LinkRequestLimits.MaxItems + 1).Select(i =>
            new LinkUpItem { Sequence = i, Detections = new LinkDetectionDay { Day = 1, Detections = 1 } }));
        var tooMany = await Assert.ThrowsAsync<RpcException>(() => ExchangeAsync(link.Credential, many));
        Assert.Equal(StatusCode.InvalidArgument, tooMany.StatusCode);
        Assert.Contains($"at most {LinkRequestLimits.MaxItems}", tooMany.Status.Detail, StringComparison.Ordinal);

        var huge = new LinkExchangeRequest { CenterVersion = new string('x', LinkRequestLimits.MaxMessageBytes + 1) };
        var oversized = await Assert.ThrowsAsync<RpcException>(() => ExchangeAsync(link.Credential, huge));
        Assert.Equal(StatusCode.ResourceExhausted, oversized.StatusCode);

        Assert.Equal(0, (await ExchangeAsync(link.Credential, new LinkExchangeRequest())).AcknowledgedSequence);
        using var health = await main.Driver.Client().GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
