using Lightshield.Center.Integration;

namespace Lightshield.Center.Tests.Integration;

public sealed class ScanServerAssignmentTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan DownAfter = TimeSpan.FromSeconds(30);

    private static ScanServerCandidate Server(string id, string host, double load, string segment = "default", int capacity = 4,
        string engine = "1.4.3", TimeSpan? age = null) =>
        new(id, $"https://{id}:7443", "", host, segment, capacity, load, engine, Now - (age ?? TimeSpan.FromSeconds(5)));

    private static List<string> Order(IEnumerable<ScanServerCandidate> servers, string host = "h1", string segment = "default",
        bool tenantActive = true, string? engine = null) =>
        ScanServerAssignment.Order(servers, new AssignmentRequest(host, segment, tenantActive, engine), Now, DownAfter)
            .Select(s => s.ServerId).ToList();

    [Fact]
    public void A_healthy_server_on_the_agents_own_host_is_preferred_even_when_busier()
    {
        Assert.Equal(["local", "idle-remote"], Order([Server("idle-remote", "h2", 0.0), Server("local", "h1", 0.9)]));
    }

    [Fact]
    public void Without_a_server_on_the_own_host_the_least_loaded_comes_first()
    {
        Assert.Equal(["b", "c", "a"], Order([Server("a", "h2", 0.8), Server("b", "h3", 0.1), Server("c", "h4", 0.5)]));
    }

    [Fact]
    public void Fallbacks_are_the_other_servers_of_the_own_host_first_then_the_rest_by_load()
    {
        Assert.Equal(["local-idle", "local-busy", "remote-idle", "remote-busy"], Order([
            Server("remote-busy", "h2", 0.7), Server("local-busy", "h1", 0.6), Server("remote-idle", "h3", 0.0), Server("local-idle", "h1", 0.2),
        ]));
    }

    [Fact]
    public void Equal_load_goes_to_the_larger_capacity_then_to_the_server_id()
    {
        Assert.Equal(["big", "small-a", "small-b"], Order([
            Server("small-b", "h2", 0.5, capacity: 2), Server("big", "h3", 0.5, capacity: 16), Server("small-a", "h4", 0.5, capacity: 2),
        ]));
    }

    [Fact]
    public void Servers_of_another_segment_are_never_assigned()
    {
        Assert.Equal(["pd"], Order([Server("default-local", "h1", 0.0), Server("pd", "h2", 0.9, segment: "personal-data")], segment: "personal-data"));
    }

    [Fact]
    public void A_server_silent_for_longer_than_the_threshold_is_down_and_skipped()
    {
        Assert.Equal(["remote"], Order([Server("local", "h1", 0.0, age: TimeSpan.FromSeconds(31)), Server("remote", "h2", 0.5)]));
        Assert.Equal(["local", "remote"], Order([Server("local", "h1", 0.0, age: TimeSpan.FromSeconds(30)), Server("remote", "h2", 0.5)]));
    }

    [Fact]
    public void A_required_engine_version_filters_out_the_others()
    {
        Assert.Equal(["new"], Order([Server("old", "h1", 0.0, engine: "1.3.0"), Server("new", "h2", 0.5, engine: "1.4.3")], engine: "1.4.3"));
    }

    [Fact]
    public void A_suspended_tenant_gets_no_server()
    {
        Assert.Empty(Order([Server("local", "h1", 0.0)], tenantActive: false));
    }

    [Fact]
    public void The_down_rule_is_strictly_older_than_the_threshold()
    {
        Assert.False(ScanServerHealth.IsDown(Now - DownAfter, Now, DownAfter));
        Assert.True(ScanServerHealth.IsDown(Now - DownAfter - TimeSpan.FromMilliseconds(1), Now, DownAfter));
    }
}
