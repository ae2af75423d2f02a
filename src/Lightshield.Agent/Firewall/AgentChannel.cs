using System.Net;

namespace Lightshield.Agent.Firewall;

/// <summary>A connection the agent dials and the firewall keeps open whatever the policy says: its center, its
/// scan servers, and the name servers it needs to find them.</summary>
/// <param name="Purpose">What it is, for messages: <c>center</c>, <c>scan server</c>, <c>name server</c>.</param>
/// <param name="Address">Where the agent dials.</param>
/// <param name="Port">The port it dials.</param>
/// <param name="Udp">UDP (name servers) rather than TCP.</param>
public sealed record AgentChannel(string Purpose, IPAddress Address, int Port, bool Udp = false)
{
    public override string ToString() => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
        ? $"{Purpose} [{Address}]:{Port}{(Udp ? "/udp" : "")}"
        : $"{Purpose} {Address}:{Port}{(Udp ? "/udp" : "")}";
}
