using System.Diagnostics.Metrics;
using Lightshield.Center.Diagnostics;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Center.Tests.Integration;

/// <summary>The center's meter: an agent's enrolment and sync move its counters, the gauges count the agent, every
/// series is on <c>/metrics</c>, and no tenant id or name appears in any series (the port is reachable by tenants).
/// Figures are read from this center's own meter: the other test classes' centers in this process export meters of the
/// same name, so a scrape's figures may be another center's.</summary>
public abstract class CenterMetricsTests<TDatabase>(CenterFixture<TDatabase> fixture) : IntegrationTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    [Fact]
    public async Task An_agents_enrolment_and_sync_move_the_centers_counters_without_naming_its_tenant()
    {
        using var recorded = new MeterRecorder(Center.Services.GetRequiredService<IMeterFactory>(), InstrumentNames.MeterName);
        var tenant = await Driver.CreateTenantAsync();

        var enrolled = await Driver.EnrolAsync(tenant);
        await Driver.SyncAsync(enrolled.Credential);
        await Center.Services.GetRequiredService<CenterGauges>().CountAsync(CancellationToken.None);

        Assert.Equal(1, recorded.Sum(InstrumentNames.Enrolments));
        Assert.Equal(1, recorded.Sum(InstrumentNames.AgentSyncs, new("result", "ok")));
        Assert.True(recorded.Observe(InstrumentNames.AgentsSeen) >= 1, "the enrolled agent is counted as seen");

        var scrape = await Center.Client().GetStringAsync("/metrics");
        foreach (var series in new[] { "lightshield_center_agent_syncs_total", "lightshield_center_enrolments_total",
                     "lightshield_center_agent_sync_duration_seconds_bucket", "lightshield_center_agents_seen", "lightshield_center_scan_servers_up" })
        {
            Assert.Contains(series, scrape, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(tenant.Id.ToString(), scrape, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(tenant.Id.ToString("N"), scrape, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(tenant.Name, scrape, StringComparison.Ordinal);
    }
}

public sealed class CenterMetricsTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : CenterMetricsTests<SqliteTestDatabase>(fixture);

public sealed class CenterMetricsTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : CenterMetricsTests<PostgresTestDatabase>(fixture);
