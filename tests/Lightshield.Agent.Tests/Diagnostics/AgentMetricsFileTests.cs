using System.Diagnostics.Metrics;
using Lightshield.Agent.Diagnostics;
using Lightshield.Agent.Hosting;
using Lightshield.Agent.Jobs;
using Lightshield.Agent.OnAccess;
using Lightshield.Agent.Scanning;
using Lightshield.Agent.Tests.Support;
using Lightshield.Testing;
using Lightshield.Verdicts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lightshield.Agent.Tests.Diagnostics;

public sealed class AgentMetricsFileTests : IDisposable
{
    private readonly TempState _state = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    [Fact]
    public void Metrics_file_counts_each_file_by_result_and_by_where_its_verdict_came_from()
    {
        var clock = new FakeClock(DateTimeOffset.UtcNow);
        var metrics = new AgentMetrics(Meters, new OnAccessStatus());
        using var file = new MetricsTextFile(Meters, _state.Directory, clock, NullLogger<MetricsTextFile>.Instance);
        var now = clock.GetUtcNow();
        metrics.Scanned([
            new FileVerdict("/a", Verdict.Clean("1", now), null, 0, false, null),                 // unchanged: from the index
            new FileVerdict("/b", Verdict.Clean("1", now), null, 100, false, null),               // read, known to the site
            new FileVerdict("/c", Verdict.Infected("Eicar", "1", now), null, 68, true, null),     // uploaded and scanned
            new FileVerdict("/d", null, "cannot read: denied", 0, false, null),
        ]);
        metrics.Detected("on-demand");

        file.Write();

        var samples = MetricsFileReader.Parse(File.ReadAllText(file.FilePath));
        double Value(string name, string labels = "") => Assert.Single(samples, s => s.Name == name && s.Labels == labels).Value;
        Assert.Equal(1, Value("lightshield_agent_files_scanned_total", "result=\"clean\",source=\"index\""));
        Assert.Equal(1, Value("lightshield_agent_files_scanned_total", "result=\"clean\",source=\"cache\""));
        Assert.Equal(1, Value("lightshield_agent_files_scanned_total", "result=\"infected\",source=\"scanned\""));
        Assert.Equal(1, Value("lightshield_agent_files_scanned_total", "result=\"error\",source=\"none\""));
        Assert.Equal(168, Value("lightshield_agent_bytes_read_bytes_total"));
        Assert.Equal(1, Value("lightshield_agent_detections_total", "how=\"on-demand\""));
        Assert.Equal(0, Value("lightshield_agent_on_access_active"));
        Assert.Equal(now.ToUnixTimeSeconds(), Value(MetricsTextFile.WrittenAtMetric));
    }

    [Fact]
    public void Metrics_file_holds_only_its_own_hosts_figures()
    {
        using var otherServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var other = new AgentMetrics(otherServices.GetRequiredService<IMeterFactory>());
        _ = new AgentMetrics(Meters);
        using var file = new MetricsTextFile(Meters, _state.Directory, TimeProvider.System, NullLogger<MetricsTextFile>.Instance);

        other.Detected("on-access");
        file.Write();

        Assert.DoesNotContain(MetricsFileReader.Parse(File.ReadAllText(file.FilePath)), s => s.Name == "lightshield_agent_detections_total");
    }

    [Fact]
    public async Task Health_exits_0_on_fresh_figures_and_2_when_they_are_stale_missing_or_garbage()
    {
        Assert.Equal(2, await LocalTaskCommands.RunAsync(["health", "--state", _state.Directory]));

        var stale = new FakeClock(DateTimeOffset.UtcNow - (4 * MetricsTextFile.Interval));
        _ = new AgentMetrics(Meters);
        using (var file = new MetricsTextFile(Meters, _state.Directory, stale, NullLogger<MetricsTextFile>.Instance))
        {
            file.Write();
        }
        Assert.Equal(2, await LocalTaskCommands.RunAsync(["health", "--state", _state.Directory]));

        using (var file = new MetricsTextFile(Meters, _state.Directory, TimeProvider.System, NullLogger<MetricsTextFile>.Instance))
        {
            file.Write();
        }
        Assert.Equal(0, await LocalTaskCommands.RunAsync(["health", "--state", _state.Directory, "--json"]));

        await File.WriteAllTextAsync(Path.Combine(_state.Directory, MetricsTextFile.FileName), "not { a metric\n");
        Assert.Equal(2, await LocalTaskCommands.RunAsync(["health", "--state", _state.Directory]));
    }

    [Fact]
    public async Task Agent_host_writes_its_metrics_file_when_it_stops()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:StateDirectory"] = _state.Directory,
            ["Agent:ScanServers:0:Address"] = "https://127.0.0.1:9",
        });
        builder.AddLightshieldAgent();
        using var host = builder.Build();
        await host.StartAsync();
        await host.StopAsync();

        var samples = MetricsFileReader.Parse(await File.ReadAllTextAsync(Path.Combine(_state.Directory, MetricsTextFile.FileName)));
        Assert.Contains(samples, s => s.Name == MetricsTextFile.WrittenAtMetric);
        Assert.Contains(samples, s => s.Name == "lightshield_agent_on_access_active");
    }

    public void Dispose()
    {
        _services.Dispose();
        _state.Dispose();
    }
}
