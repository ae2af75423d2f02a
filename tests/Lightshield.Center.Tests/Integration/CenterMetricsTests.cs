using System.Globalization;
using Lightshield.Center.Diagnostics;
using Lightshield.Center.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Center.Tests.Integration;

/// <summary>The center's meter on <c>/metrics</c>: an agent's enrolment and sync move their counters, the gauges are
/// exported, and no tenant id or name appears in any series (the port is reachable by tenants).</summary>
public abstract class CenterMetricsTests<TDatabase>(CenterFixture<TDatabase> fixture) : IntegrationTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    private const string Syncs = "lightshield_center_agent_syncs_total";
    private const string Enrolments = "lightshield_center_enrolments_total";

    /// <summary>The sum of a metric's series on one scrape (0 when it has none yet).</summary>
    private static double Sum(string scrape, string metric) => scrape.Split('\n')
        .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) || l.StartsWith(metric + " ", StringComparison.Ordinal))
        // The value follows the labels (a timestamp may follow the value).
        .Sum(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));

    private Task<string> ScrapeAsync() => Center.Client().GetStringAsync("/metrics");

    /// <summary>Scrapes until <paramref name="metric"/> reached <paramref name="atLeast"/>: the exporter caches a scrape
    /// for a short while (bounded: 50 scrapes).</summary>
    private async Task<string> ScrapeUntilAsync(string metric, double atLeast)
    {
        var scrape = "";
        for (var attempt = 0; attempt < 50; attempt++)
        {
            scrape = await ScrapeAsync();
            if (Sum(scrape, metric) >= atLeast)
            {
                return scrape;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"{metric} stayed below {atLeast}:\n{scrape}");
        return scrape;
    }

    [Fact]
    public async Task An_agents_enrolment_and_sync_move_the_centers_counters_without_naming_its_tenant()
    {
        var tenant = await Driver.CreateTenantAsync();
        var before = await ScrapeAsync();

        var enrolled = await Driver.EnrolAsync(tenant);
        await Driver.SyncAsync(enrolled.Credential);

        var after = await ScrapeUntilAsync(Syncs, Sum(before, Syncs) + 1);
        Assert.True(Sum(after, Enrolments) >= Sum(before, Enrolments) + 1, "the enrolment counter moved");
        Assert.Contains("lightshield_center_agent_sync_duration_seconds_bucket", after, StringComparison.Ordinal);
        Assert.Contains("result=\"ok\"", after, StringComparison.Ordinal);

        await Center.Services.GetRequiredService<CenterGauges>().CountAsync(CancellationToken.None);
        var gauges = await ScrapeUntilAsync("lightshield_center_agents_seen", 1);
        Assert.Contains("lightshield_center_scan_servers_up", gauges, StringComparison.Ordinal);
        Assert.DoesNotContain(tenant.Id.ToString(), gauges, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(tenant.Id.ToString("N"), gauges, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(tenant.Name, gauges, StringComparison.Ordinal);
    }
}

public sealed class CenterMetricsTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : CenterMetricsTests<SqliteTestDatabase>(fixture);

public sealed class CenterMetricsTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : CenterMetricsTests<PostgresTestDatabase>(fixture);
