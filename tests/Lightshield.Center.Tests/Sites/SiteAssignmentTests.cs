using Lightshield.Center.Integration;

namespace Lightshield.Center.Tests.Sites;

/// <summary>Assignment by site (decision 50): an agent's site is that of the servers on its hypervisor host, it gets only
/// that site's servers, and a lost site sends its agents nowhere else.</summary>
public sealed class SiteAssignmentTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 23, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan DownAfter = TimeSpan.FromSeconds(30);

    private static ScanServerCandidate Server(string id, string host, string site, double load = 0.1, bool down = false, string segment = "default") =>
        new(id, $"https://{id}:7443", "", host, segment, 4, load, "1.4.3", Now - (down ? TimeSpan.FromMinutes(5) : TimeSpan.FromSeconds(5)), site);

    private static List<string> Order(IEnumerable<ScanServerCandidate> servers, string host) =>
        [.. ScanServerAssignment.Order(servers, new AssignmentRequest(host, "default", true, null), Now, DownAfter).Select(s => s.ServerId)];

    private static readonly ScanServerCandidate[] TwoSites =
    [
        Server("east-1", "hv-east-1", "east"), Server("east-2", "hv-east-2", "east", load: 0.5),
        Server("west-1", "hv-west-1", "west", load: 0.0), Server("west-2", "hv-west-2", "west"),
    ];

    [Fact]
    public void An_agent_gets_only_the_servers_of_its_hosts_site_even_when_another_sites_are_idler()
    {
        Assert.Equal(["east-1", "east-2"], Order(TwoSites, "hv-east-1"));
        Assert.Equal(["west-2", "west-1"], Order(TwoSites, "hv-west-2"));
    }

    [Fact]
    public void When_every_server_of_its_site_is_down_an_agent_gets_none_not_another_sites()
    {
        ScanServerCandidate[] eastLost = [.. TwoSites.Select(s => s.Site == "east" ? s with { LastSeenAt = Now - TimeSpan.FromMinutes(5) } : s)];
        Assert.Empty(Order(eastLost, "hv-east-2"));
        Assert.Equal(["west-1", "west-2"], Order(eastLost, "hv-west-1"));
    }

    [Fact]
    public void An_agent_on_a_host_without_a_scan_server_is_in_the_default_site_which_is_todays_single_site()
    {
        Assert.Empty(Order(TwoSites, "hv-elsewhere"));
        ScanServerCandidate[] single = [Server("a", "hv-1", "default"), Server("b", "hv-2", "default", load: 0.0)];
        Assert.Equal(["b", "a"], Order(single, "hv-3"));
        Assert.Equal("default", ScanServerAssignment.SiteOf("hv-3", single));
    }

    [Fact]
    public void The_site_of_a_host_is_read_from_its_servers_up_or_down_and_in_any_segment()
    {
        ScanServerCandidate[] servers = [Server("other-seg", "hv-east-1", "east", down: true, segment: "blue"), Server("east-2", "hv-east-2", "east")];
        Assert.Equal("east", ScanServerAssignment.SiteOf("HV-EAST-1", servers));
        Assert.Equal(["east-2"], Order(servers, "hv-east-1"));
    }
}
