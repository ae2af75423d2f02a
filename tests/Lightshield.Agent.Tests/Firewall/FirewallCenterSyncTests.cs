using Lightshield.Agent.Firewall;
using Lightshield.Agent.Tests.Center;
using Lightshield.Protocol.Policies;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Agent.Tests.Firewall;

/// <summary>The whole agent with a center: the firewall policy arrives by sync, and the table's state and per-rule
/// counters go back in the health report. The agent's nftables calls run in a test namespace, where the traffic is.</summary>
public sealed class FirewallCenterSyncTests
{
    [FirewallFact]
    public async Task MonitorPolicyFromTheCenter_IsApplied_AndItsCountersReachTheCenter()
    {
        using var net = new VethPair();
        using var nftables = new NamespacedNftables(net.Vm);
        net.Listen(net.Vm, net.VmAddress, 23);
        await using var bed = await CenterTestBed.StartAsync();
        bed.AssignServer();
        bed.Center.SetPolicy(1, CenterTestBed.Policy() with
        {
            Firewall = new FirewallPolicy
            {
                Mode = FirewallNames.Monitor,
                Rules = [new FirewallRule { Name = "no telnet", Direction = FirewallNames.Inbound, Protocol = FirewallNames.Tcp, LocalPorts = ["23"] }],
            },
        });
        await using var agent = await bed.StartAgentAsync(more: new Dictionary<string, string?> { ["Firewall:CheckInterval"] = "00:00:00.300" },
            services: s => s.AddSingleton<INftables>(nftables));

        await agent.WaitUntilAsync(() => agent.Get<FirewallEnforcer>().Status.State == FirewallNames.Monitor, "the firewall in monitor mode", 10);
        Assert.True(await VethPair.ConnectsAsync(net.Peer, net.VmAddress, 23), "monitor mode drops nothing");
        await agent.WaitForAsync(bed.Center.Syncs, syncs => syncs.Any(s => s.Health.FirewallState == "monitor"
            && s.Health.FirewallCounters.Any(c => c.Rule == "no telnet" && c.Packets > 0)), "the center to see the rule's hits", 20);
        var health = bed.Center.Syncs.Last().Health;
        Assert.Equal(64, health.FirewallRulesSha256.Length);
    }
}
