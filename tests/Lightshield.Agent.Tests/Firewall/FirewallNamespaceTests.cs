using Lightshield.Agent.Firewall;
using Lightshield.Protocol.Policies;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lightshield.Agent.Tests.Firewall;

/// <summary>The agent's firewall applied in a network namespace, with traffic from a peer namespace over a veth pair.</summary>
public sealed class FirewallNamespaceTests : IDisposable
{
    private readonly VethPair _net;
    private readonly NamespacedNftables _nftables;
    private readonly ServiceCgroups _services = new();

    public FirewallNamespaceTests()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            _net = null!;
            _nftables = null!;
            return;
        }
        _net = new VethPair();
        _nftables = new NamespacedNftables(_net.Vm);
    }

    [FirewallFact]
    public async Task DenyInboundTcp23_BlocksThePeer_WhileTcp22Works()
    {
        _net.Listen(_net.Vm, _net.VmAddress, 22);
        _net.Listen(_net.Vm, _net.VmAddress, 23);
        Assert.True(await VethPair.ConnectsAsync(_net.Peer, _net.VmAddress, 23), "telnet port reachable before the policy");

        var enforcer = Enforcer();
        Assert.True(enforcer.Apply(Policy("""
            {"mode":"enforcing","rules":[{"name":"no telnet","direction":"inbound","protocol":"tcp","localPorts":["23"],"action":"deny"}]}
            """)));

        Assert.True(await VethPair.ConnectsAsync(_net.Peer, _net.VmAddress, 22));
        Assert.False(await VethPair.ConnectsAsync(_net.Peer, _net.VmAddress, 23, VethPair.Blocked));
        enforcer.Check();
        Assert.True(enforcer.Status.Counters["no telnet"].Packets > 0);
        Assert.Equal("enforcing", enforcer.Status.State);
    }

    [FirewallFact]
    public async Task OutboundDenyOfAnAddress_BlocksThatAddressOnly()
    {
        _net.Listen(_net.Peer, _net.PeerAddress, 8080);
        _net.Listen(_net.Peer, _net.PeerSecondAddress, 8080);
        Assert.True(Enforcer().Apply(Policy($$"""
            {"mode":"enforcing","rules":[{"name":"block one host","direction":"outbound","remoteAddresses":["{{_net.PeerSecondAddress}}"],"action":"deny"}]}
            """)));

        Assert.True(await VethPair.ConnectsAsync(_net.Vm, _net.PeerAddress, 8080));
        Assert.False(await VethPair.ConnectsAsync(_net.Vm, _net.PeerSecondAddress, 8080, VethPair.Blocked));
    }

    [FirewallFact]
    public async Task UserScopedRule_AppliesOnlyToThatUser()
    {
        _net.Listen(_net.Peer, _net.PeerAddress, 8080);
        Assert.True(Enforcer().Apply(Policy("""
            {"mode":"enforcing","rules":[{"name":"nobody stays home","direction":"outbound","protocol":"tcp","remotePorts":["8080"],"user":"nobody","action":"reject"}]}
            """)));

        Assert.Equal(0, (await ConnectAsAsync("root")).ExitCode);
        var nobody = await ConnectAsAsync("nobody");
        Assert.NotEqual(0, nobody.ExitCode);
        Assert.Contains("refused", nobody.Output, StringComparison.OrdinalIgnoreCase);
    }

    [FirewallFact]
    public async Task ServiceScopedRule_AppliesOnlyToThatServicesProcesses_OrIsLeftOutWithTheReason()
    {
        using var service = new TestServiceCgroup();
        _net.Listen(_net.Peer, _net.PeerAddress, 8080);
        var enforcer = Enforcer();
        Assert.True(enforcer.Apply(Policy($$"""
            {"mode":"enforcing","rules":[{"name":"app stays home","direction":"outbound","protocol":"tcp","remotePorts":["8080"],"service":"{{service.Unit}}","action":"reject"}]}
            """)));
        Assert.Equal("enforcing", enforcer.Status.State);
        Assert.Equal(0, (await ConnectFromAsync(null)).ExitCode);

        if (!_nftables.Accepts(FirewallRuleset.ServiceProbeCommand))
        {
            // Debian 12's libnftables (1.0.6): the rule is left out and named, and the rest of the policy enforces.
            Assert.Equal([$"rule \"app stays home\": {FirewallEnforcer.ServicesUnsupported}"], enforcer.Status.Skipped);
            Assert.Equal(0, (await ConnectFromAsync(service)).ExitCode);
            return;
        }
        Assert.Empty(enforcer.Status.Skipped);
        Assert.Contains("refused", (await ConnectFromAsync(service)).Output, StringComparison.OrdinalIgnoreCase);

        // A restarted service has a new cgroup: the next check compiles the rule against it, with no drift.
        service.Recreate();
        Assert.Null(enforcer.Check());
        Assert.Equal(0, enforcer.Status.Repairs);
        Assert.Contains("refused", (await ConnectFromAsync(service)).Output, StringComparison.OrdinalIgnoreCase);
    }

    [FirewallFact]
    public async Task DryRun_TellsWhatNftablesAccepts_AndChangesNothing()
    {
        var valid = FirewallRuleset.Compile(Policy("""{"mode":"enforcing","defaultInbound":"deny"}"""), [], new LocalAccounts()).Commands;
        Assert.True(_nftables.Accepts(valid));
        Assert.False(_nftables.Accepts(valid.Replace("\"filter\"", "\"no-such-chain-type\"", StringComparison.Ordinal)));
        Assert.DoesNotContain("lightshield", _net.Nft("list", "tables"), StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [FirewallFact]
    public async Task MonitorMode_CountsAndLogsWhatItWouldDeny_ButDropsNothing()
    {
        _net.Listen(_net.Vm, _net.VmAddress, 23);
        var enforcer = Enforcer();
        Assert.True(enforcer.Apply(Policy("""
            {"mode":"monitor","defaultInbound":"deny","rules":[{"name":"no telnet","direction":"inbound","protocol":"tcp","localPorts":["23"],"action":"deny"}]}
            """)));

        Assert.True(await VethPair.ConnectsAsync(_net.Peer, _net.VmAddress, 23));
        Assert.True(await VethPair.ConnectsAsync(_net.Peer, _net.VmAddress, 24, VethPair.Blocked) is false, "nothing listens on 24: refused, not dropped");
        enforcer.Check();
        Assert.Equal("monitor", enforcer.Status.State);
        Assert.True(enforcer.Status.Counters["no telnet"].Packets > 0);
        Assert.True(enforcer.Status.Counters[FirewallRuleset.DefaultInbound].Packets > 0);
        var listing = _net.Nft("list", "table", "inet", "lightshield");
        Assert.Contains("add @talkers_0_4 { ip saddr } limit rate 5/second burst 10 packets log prefix \"lightshield would-deny r0 \" comment \"talkers 0\"",
            listing, StringComparison.Ordinal);
        Assert.Matches("tcp dport 23 counter packets [1-9][0-9]* bytes [0-9]+ accept comment \"rule 0\"", listing);
        Assert.DoesNotContain(" drop", listing, StringComparison.Ordinal);
    }

    [FirewallFact]
    public async Task MonitorMode_ReportsWhoWouldHaveBeenBlocked_MostFirst_AndTheirTrafficIsNoDrift()
    {
        _net.Listen(_net.Vm, _net.VmAddress, 23);
        var enforcer = Enforcer();
        Assert.True(enforcer.Apply(Policy("""
            {"mode":"monitor","defaultInbound":"deny","rules":[{"name":"no telnet","direction":"inbound","protocol":"tcp","localPorts":["23"],"action":"deny"}]}
            """)));

        for (var i = 0; i < 3; i++)
        {
            Assert.True(await VethPair.ConnectsAsync(_net.Peer, _net.VmAddress, 23, source: _net.PeerSecondAddress));
        }
        Assert.True(await VethPair.ConnectsAsync(_net.Peer, _net.VmAddress, 23, source: _net.PeerAddress));

        Assert.Null(enforcer.Check());
        Assert.Equal(("monitor", 0), (enforcer.Status.State, enforcer.Status.Repairs));
        var talkers = enforcer.Status.TopTalkers["no telnet"];
        Assert.Equal([_net.PeerSecondAddress, _net.PeerAddress], talkers.Select(t => t.Address));
        Assert.Equal([3L, 1L], talkers.Select(t => t.Hits.Packets));
        Assert.Equal(4, enforcer.Status.Counters["no telnet"].Packets);
    }

    [FirewallFact]
    public async Task EnforcingMode_KeepsNoTalkerSets()
    {
        var enforcer = Enforcer();
        Assert.True(enforcer.Apply(Policy("""
            {"mode":"enforcing","defaultInbound":"deny","rules":[{"name":"no telnet","direction":"inbound","protocol":"tcp","localPorts":["23"],"action":"deny"}]}
            """)));
        Assert.False(await VethPair.ConnectsAsync(_net.Peer, _net.VmAddress, 23, VethPair.Blocked));

        enforcer.Check();
        Assert.Empty(enforcer.Status.TopTalkers);
        Assert.DoesNotContain("talkers", _net.Nft("list", "table", "inet", "lightshield"), StringComparison.Ordinal);
    }

    [FirewallFact]
    public async Task DenyAll_StillLetsTheAgentReachItsCenterAndScanServer()
    {
        _net.Listen(_net.Peer, _net.PeerAddress, 8443);
        _net.Listen(_net.Peer, _net.PeerSecondAddress, 9443);
        _net.Listen(_net.Peer, _net.PeerAddress, 7000);
        _net.Listen(_net.Vm, _net.VmAddress, 22);
        var enforcer = Enforcer(("center", new Uri($"https://{_net.PeerAddress}:8443")), ("scan server", new Uri($"https://{_net.PeerSecondAddress}:9443")));
        Assert.True(enforcer.Apply(Policy("""{"mode":"enforcing","defaultInbound":"deny","defaultOutbound":"deny"}""")));

        Assert.True(await VethPair.ConnectsAsync(_net.Vm, _net.PeerAddress, 8443), "center");
        Assert.True(await VethPair.ConnectsAsync(_net.Vm, _net.PeerSecondAddress, 9443), "scan server");
        Assert.False(await VethPair.ConnectsAsync(_net.Vm, _net.PeerAddress, 7000, VethPair.Blocked), "anything else out");
        Assert.False(await VethPair.ConnectsAsync(_net.Peer, _net.VmAddress, 22, VethPair.Blocked), "anything in");
    }

    [FirewallFact]
    public async Task EveryKindOfRule_IsAcceptedByNftables_InBothModes()
    {
        const string Rules = """
            "zones":{"office":["192.0.2.0/24","2001:db8::/32"],"vault":["203.0.113.7"]},
            "rules":[
              {"name":"ssh","direction":"inbound","protocol":"tcp","localPorts":["22","2200-2210"],"remoteAddresses":["office","10.0.0.0/8"],"action":"allow"},
              {"name":"ping","direction":"inbound","protocol":"icmp","icmpTypes":["echo-request","timestamp-request"],"action":"allow"},
              {"name":"ping6","direction":"inbound","protocol":"icmpv6","icmpTypes":["echo-request"],"remoteAddresses":["2001:db8::/32"],"action":"reject"},
              {"name":"dns","direction":"outbound","protocol":"udp","remotePorts":["53"],"localAddresses":["10.0.0.0/8"],"action":"allow"},
              {"name":"backup","direction":"outbound","protocol":"tcp","remotePorts":["873"],"remoteAddresses":["vault"],"user":"nobody","group":"nogroup","action":"reject"},
              {"name":"uid 0 log","direction":"outbound","user":"0","action":"log"},
              {"name":"any in","direction":"inbound","remoteAddresses":["::/0"],"action":"deny"},
              {"name":"udp reject","direction":"inbound","protocol":"udp","localPorts":["9999"],"action":"reject"}]
            """;
        var enforcer = Enforcer(("center", new Uri("https://[2001:db8::10]:8443")));
        foreach (var mode in new[] { "enforcing", "monitor" })
        {
            Assert.True(enforcer.Apply(Policy($$"""{"mode":"{{mode}}","defaultInbound":"reject","defaultOutbound":"allow",{{Rules}}}""")),
                $"nftables refused the {mode} table");
            Assert.Equal(mode, enforcer.Status.State);
        }
        var listing = _net.Nft("list", "table", "inet", "lightshield");
        Assert.Contains("ip6 daddr 2001:db8::10 tcp dport 8443 accept comment \"channel: center [2001:db8::10]:8443\"", listing, StringComparison.Ordinal);
        Assert.Contains("meta skuid 65534 meta skgid 65534", listing, StringComparison.Ordinal);
        Assert.True(enforcer.Apply(Policy("""{"mode":"off"}""")));
        Assert.DoesNotContain("lightshield", _net.Nft("list", "tables"), StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    public void Dispose()
    {
        _nftables?.Dispose();
        _net?.Dispose();
    }

    internal static FirewallPolicy Policy(string firewallJson) => PolicyJson.Parse($"{{\"firewall\":{firewallJson}}}").Firewall;

    private FirewallEnforcer Enforcer(params (string Purpose, Uri Address)[] channels) =>
        new(_nftables, new AgentChannels(() => channels), new LocalAccounts(), _services, NullLogger<FirewallEnforcer>.Instance);

    /// <summary>Connects from the VM's namespace to the peer's port 8080, from a process inside <paramref name="service"/>'s
    /// cgroup (or outside any test cgroup). <c>nsenter</c>, unlike <c>ip netns exec</c>, keeps the host's /sys mounts.</summary>
    private Task<(int ExitCode, string Output)> ConnectFromAsync(TestServiceCgroup? service) => Task.Run(() =>
    {
        var enter = service is null ? "" : $"echo $$ > {service.Directory}/cgroup.procs && ";
        var start = new System.Diagnostics.ProcessStartInfo("nsenter") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { $"--net=/run/netns/{_net.VmName}", "timeout", "5", "bash", "-c", $"{enter}exec 3<>/dev/tcp/{_net.PeerAddress}/8080" })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    });

    private Task<(int ExitCode, string Output)> ConnectAsAsync(string user) => Task.Run(() => VethPair.Exec(_net.VmName, "setpriv", $"--reuid={user}", "--regid=" + (user == "root" ? "root" : "nogroup"),
        "--clear-groups", "timeout", "5", "bash", "-c", $"exec 3<>/dev/tcp/{_net.PeerAddress}/8080"));
}
