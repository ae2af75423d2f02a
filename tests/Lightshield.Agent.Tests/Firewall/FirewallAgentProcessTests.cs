using Lightshield.Agent.Tests.Center;
using Lightshield.Agent.Tests.Support;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Policies;
using Lightshield.Testing.Center;

namespace Lightshield.Agent.Tests.Firewall;

/// <summary>The real <c>lightshield-agent</c> process inside the VM namespace: its center and scan server are across the
/// veth pair (relays in the peer namespace), so the policy's table sits on the agent's own path to them.</summary>
public sealed class FirewallAgentProcessTests
{
    // A whole agent process (TieredCompilation off: a slow start on a loaded machine) enrols, syncs three times, stops.
    [FirewallFact(Timeout = 90_000)]
    public async Task DenyAllPolicy_TheAgentKeepsSyncingWithItsCenter_AndReachingItsScanServer_AndRemovesItsTableAtStop()
    {
        using var net = new VethPair();
        await using var bed = await CenterTestBed.StartAsync(tlsScanServer: true);
        using var centerRelay = new TlsRelay(net.Peer, net.PeerAddress, 8443, bed.CenterAddress);
        using var serverRelay = new TlsRelay(net.Peer, net.PeerSecondAddress, 9443, bed.Server.Endpoint.Address, terminate: false);
        net.Listen(net.Peer, net.PeerAddress, 7000);
        bed.Center.Assignment =
        [
            new ScanServerAssignment
            {
                Address = serverRelay.Address.ToString(), CertificateSha256 = bed.Server.Endpoint.CertificateSha256,
                HypervisorHost = CenterTestBed.HypervisorHost, ServerId = "svm-1",
            },
        ];
        bed.Center.SetPolicy(1, CenterTestBed.Policy() with
        {
            Firewall = new FirewallPolicy { Mode = FirewallNames.Enforcing, DefaultInbound = FirewallNames.Deny, DefaultOutbound = FirewallNames.Deny },
        });

        using var agent = AgentProcess.Start([
            $"Agent:Center={centerRelay.Address}",
            $"Agent:CenterCertificateSha256={centerRelay.CertificateSha256}",
            $"Agent:EnrolmentToken={FakeAgentGateway.GoodToken}",
            $"Agent:HypervisorHost={CenterTestBed.HypervisorHost}",
            $"Agent:StateDirectory={bed.State.Directory}",
            "Firewall:CheckInterval=00:00:01",
            "OnAccess:Enabled=false",
        ], net.VmName);
        try
        {
            await bed.Center.Syncs.WaitUntilAsync(syncs => syncs.Count(s => s.PolicyVersion == 1 && s.Health.FirewallState == FirewallNames.Enforcing
                && s.Health.ScanServerReachable) >= 3, "three syncs under the deny-all table, with the scan server answering", TimeSpan.FromSeconds(75));
        }
        catch (TimeoutException exception)
        {
            Assert.Fail($"{exception.Message}\nagent output:\n{agent.Output}");
        }
        Assert.Contains("table inet lightshield", net.Nft("list", "tables"), StringComparison.Ordinal);
        Assert.False(await VethPair.ConnectsAsync(net.Vm, net.PeerAddress, 7000, VethPair.Blocked), "anything else is denied");

        await agent.StopAsync();
        Assert.DoesNotContain("lightshield", net.Nft("list", "tables"), StringComparison.Ordinal);
    }
}
