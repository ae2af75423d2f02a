using System.CommandLine;
using System.Diagnostics;
using Grpc.Core;
using Lightshield.Center.Hierarchy;
using Lightshield.Center.Hosting;
using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tenants;
using Lightshield.Protocol.Link;
using Lightshield.Protocol.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Bench.Hierarchy;

/// <summary><c>hierarchy</c>: a main center (SQLite, in process) with N hosted tenants and M linked tenant centers
/// simulated as link clients. Each round, every link sends what a tenant center sends in steady state (a changed
/// snapshot and its current hour); the first round also the backlog of a new link (26 hours, 3 days). Reports bytes per
/// exchange up and down and the main center's CPU per exchange, as a ratio to an empty exchange (authentication and the
/// downward answer only) measured in the same run.</summary>
internal static class HierarchyCommand
{
    public static Command Create()
    {
        var hosted = new Option<int>("--hosted-tenants") { DefaultValueFactory = _ => 500, Description = "Tenants hosted by the main center" };
        var links = new Option<int>("--linked-centers") { DefaultValueFactory = _ => 50, Description = "Tenant centers linked to it" };
        var rounds = new Option<int>("--rounds") { DefaultValueFactory = _ => 20, Description = "Steady-state rounds per link" };
        var command = new Command("hierarchy", "Upward traffic per link and the main center's CPU per link exchange") { hosted, links, rounds };
        command.SetAction(parse => RunAsync(parse.GetValue(hosted), parse.GetValue(links), parse.GetValue(rounds)));
        return command;
    }

    private static async Task<int> RunAsync(int hostedTenants, int linkedCenters, int rounds)
    {
        var data = Directory.CreateTempSubdirectory("lightshield-bench-hierarchy-");
        try
        {
            var app = CenterApp.Build([], new Dictionary<string, string?>
            {
                ["Center:Listen"] = "127.0.0.1:0",
                ["Center:Plaintext"] = "true",
                ["Center:Integration:GrpcListen"] = "127.0.0.1:0",
                ["Center:DataDirectory"] = data.FullName,
                ["Center:Bootstrap:AdminPassword"] = "bench-password-1234",
                ["Logging:LogLevel:Default"] = "Warning",
            });
            await app.StartAsync();
            var credentials = await SeedAsync(app.Services, hostedTenants, linkedCenters);
            var endpoints = app.Services.GetRequiredService<IntegrationEndpoints>();
            using var channel = GrpcChannels.Open(endpoints.GrpcAddress, endpoints.CertificateFingerprint);
            var client = new CenterLink.CenterLinkClient(channel);
            var sequences = new long[linkedCenters];
            // Each link names the template it holds, as a tenant center does, so the template goes down only at its first exchange.
            var templates = new string[linkedCenters];
            var now = DateTimeOffset.UtcNow;

            var backlog = await MeasureAsync(client, credentials, templates, i => Backlog(ref sequences[i], now));
            var empty = await MeasureAsync(client, credentials, templates, _ => new LinkExchangeRequest { CenterVersion = "bench" });
            var steady = new List<Measured>();
            for (var round = 0; round < rounds; round++)
            {
                var empties = await MeasureAsync(client, credentials, templates, _ => new LinkExchangeRequest { CenterVersion = "bench" });
                var full = await MeasureAsync(client, credentials, templates, i => Steady(ref sequences[i], now, round));
                steady.Add(full);
                empty = new Measured(empty.BytesUp + empties.BytesUp, empty.BytesDown + empties.BytesDown, empty.CpuSeconds + empties.CpuSeconds,
                    empty.Exchanges + empties.Exchanges);
            }
            var steadyCpu = steady.Sum(s => s.CpuSeconds) / steady.Sum(s => s.Exchanges);
            var emptyCpu = empty.CpuSeconds / empty.Exchanges;
            Console.WriteLine($"main center: {hostedTenants} hosted tenants, {linkedCenters} linked centers, {rounds} steady rounds, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            Console.WriteLine("| exchange | bytes up | bytes down | CPU per exchange (ms, whole process) | ratio to an empty exchange |");
            Console.WriteLine("|---|---|---|---|---|");
            Console.WriteLine($"| empty (baseline) | {empty.BytesUp / empty.Exchanges} | {empty.BytesDown / empty.Exchanges} | {emptyCpu * 1000:0.00} | 1.00 |");
            Console.WriteLine($"| first (26 h + 3 days backlog) | {backlog.BytesUp / backlog.Exchanges} | {backlog.BytesDown / backlog.Exchanges} | {backlog.CpuSeconds / backlog.Exchanges * 1000:0.00} | {backlog.CpuSeconds / backlog.Exchanges / emptyCpu:0.00} |");
            Console.WriteLine($"| steady (snapshot + current hour) | {steady.Sum(s => s.BytesUp) / steady.Sum(s => s.Exchanges)} | {steady.Sum(s => s.BytesDown) / steady.Sum(s => s.Exchanges)} | {steadyCpu * 1000:0.00} | {steadyCpu / emptyCpu:0.00} |");
            Console.WriteLine($"per link at the 30 s interval: {steady.Sum(s => s.BytesUp) / steady.Sum(s => s.Exchanges) * 120 / 1024.0:0.0} KiB up per hour; "
                + $"{linkedCenters} links cost the main center {steadyCpu * linkedCenters / 30 * 100:0.000} % of one core");
            await app.StopAsync();
            await app.DisposeAsync();
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            data.Delete(recursive: true);
        }
    }

    private sealed record Measured(long BytesUp, long BytesDown, double CpuSeconds, int Exchanges);

    /// <summary>One exchange per link, one after the other; CPU of the whole process (the main center and these clients).</summary>
    private static async Task<Measured> MeasureAsync(CenterLink.CenterLinkClient client, List<string> credentials, string[] templates,
        Func<int, LinkExchangeRequest> request)
    {
        long up = 0, down = 0;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < credentials.Count; i++)
        {
            var message = request(i);
            message.PolicyTemplateSha256 = templates[i] ?? "";
            var answer = await client.ExchangeAsync(message, new Metadata { { "authorization", "Bearer " + credentials[i] } });
            templates[i] = answer.PolicyTemplateSha256;
            up += message.CalculateSize();
            down += answer.CalculateSize();
        }
        return new Measured(up, down, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, credentials.Count);
    }

    private static LinkExchangeRequest Backlog(ref long sequence, DateTimeOffset now)
    {
        var request = new LinkExchangeRequest { CenterVersion = "bench" };
        request.Items.Add(new LinkUpItem { Sequence = ++sequence, Snapshot = Snapshot(now, 0) });
        var hour = now.ToUnixTimeSeconds() / 3600 * 3600;
        for (var h = 25; h >= 0; h--)
        {
            request.Items.Add(new LinkUpItem { Sequence = ++sequence, Usage = new LinkUsageBucket { HourUnix = hour - (h * 3600), VcpuSeconds = 40 * 3600, PeakVcpus = 40 } });
        }
        for (var d = 2; d >= 0; d--)
        {
            request.Items.Add(new LinkUpItem { Sequence = ++sequence, Detections = new LinkDetectionDay { Day = LinkDays.Of(now.AddDays(-d)), Detections = 3 } });
        }
        return request;
    }

    private static LinkExchangeRequest Steady(ref long sequence, DateTimeOffset now, int round)
    {
        var request = new LinkExchangeRequest { CenterVersion = "bench" };
        request.Items.Add(new LinkUpItem { Sequence = ++sequence, Snapshot = Snapshot(now, round) });
        request.Items.Add(new LinkUpItem
        {
            Sequence = ++sequence,
            Usage = new LinkUsageBucket { HourUnix = now.ToUnixTimeSeconds() / 3600 * 3600, VcpuSeconds = 1000 + round, PeakVcpus = 40 },
        });
        return request;
    }

    private static LinkSnapshot Snapshot(DateTimeOffset now, int round) => new()
    {
        TakenAtUnix = now.ToUnixTimeSeconds() + round,
        Agents = 20,
        Vcpus = 40,
        ProtectedAgents = 19 - (round % 2),
        HealthGreen = 18,
        HealthAmber = 1,
        HealthRed = 1,
    };

    /// <summary>Hosted tenants written straight into the database (no first admin: 500 password derivations would
    /// only measure PBKDF2), and M more tenants each with a link credential issued by the provider service.</summary>
    private static async Task<List<string>> SeedAsync(IServiceProvider services, int hostedTenants, int linkedCenters)
    {
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        await using var scope = scopes.CreateScope(TenantScope.Provider);
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var segment = new Segment { Id = Guid.NewGuid(), Name = "bench", CreatedAt = DateTimeOffset.UtcNow };
        db.Segments.Add(segment);
        var tenants = Enumerable.Range(0, hostedTenants + linkedCenters).Select(i => new Tenant
        {
            Id = Guid.NewGuid(),
            Name = $"tenant-{i:D4}",
            SegmentId = segment.Id,
            TimeZone = "UTC",
            CreatedAt = DateTimeOffset.UtcNow,
        }).ToList();
        db.Tenants.AddRange(tenants);
        await db.SaveChangesAsync();
        var centers = scope.ServiceProvider.GetRequiredService<TenantCenters>();
        var credentials = new List<string>();
        foreach (var tenant in tenants.Skip(hostedTenants))
        {
            var (link, refusal) = await centers.LinkAsync(tenant.Id, $"center-{tenant.Name}", CancellationToken.None);
            credentials.Add(link?.Credential ?? throw new InvalidOperationException(refusal?.Detail));
        }
        return credentials;
    }
}
