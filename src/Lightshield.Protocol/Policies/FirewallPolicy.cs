namespace Lightshield.Protocol.Policies;

/// <summary>The firewall part of a group policy: the agent's own nftables table (<c>inet lightshield</c>), built from
/// these rules in order (first match decides) after the rules that keep the agent's own channels open.</summary>
public sealed record FirewallPolicy
{
    /// <summary><c>off</c> (no table), <c>monitor</c> (count and log what would be denied, drop nothing) or
    /// <c>enforcing</c>. Default off.</summary>
    public string Mode { get; init; } = FirewallNames.Off;

    /// <summary>What happens to inbound traffic no rule matched: <c>allow</c>, <c>deny</c> or <c>reject</c>.</summary>
    public string DefaultInbound { get; init; } = FirewallNames.Allow;

    /// <summary>What happens to outbound traffic no rule matched: <c>allow</c>, <c>deny</c> or <c>reject</c>.</summary>
    public string DefaultOutbound { get; init; } = FirewallNames.Allow;

    /// <summary>Named address sets: a rule's address list may name a zone instead of listing its addresses.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Zones { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>In order: the first rule that matches a packet decides (a <c>log</c> rule logs and goes on).</summary>
    public IReadOnlyList<FirewallRule> Rules { get; init; } = [];
}

/// <summary>One rule. Empty lists match everything; addresses are IPv4 or IPv6 addresses or CIDR prefixes, or zone names.</summary>
public sealed record FirewallRule
{
    /// <summary>Unique within the policy; counters are reported under it.</summary>
    public string Name { get; init; } = "";

    /// <summary><c>inbound</c> or <c>outbound</c>.</summary>
    public string Direction { get; init; } = FirewallNames.Inbound;

    /// <summary><c>any</c>, <c>tcp</c>, <c>udp</c>, <c>icmp</c> or <c>icmpv6</c>.</summary>
    public string Protocol { get; init; } = FirewallNames.Any;

    /// <summary>Addresses of this VM (destination inbound, source outbound).</summary>
    public IReadOnlyList<string> LocalAddresses { get; init; } = [];

    /// <summary>Addresses of the peer (source inbound, destination outbound).</summary>
    public IReadOnlyList<string> RemoteAddresses { get; init; } = [];

    /// <summary>Ports of this VM, <c>"22"</c> or <c>"8000-8100"</c>; TCP and UDP only.</summary>
    public IReadOnlyList<string> LocalPorts { get; init; } = [];

    /// <summary>Ports of the peer; TCP and UDP only.</summary>
    public IReadOnlyList<string> RemotePorts { get; init; } = [];

    /// <summary>ICMP or ICMPv6 type names (<c>echo-request</c>, ...); ICMP and ICMPv6 only.</summary>
    public IReadOnlyList<string> IcmpTypes { get; init; } = [];

    /// <summary>Outbound only: traffic of this local user (name or uid); a user the VM does not have matches nothing.</summary>
    public string? User { get; init; }

    /// <summary>Outbound only: traffic of processes of this local group (name or gid).</summary>
    public string? Group { get; init; }

    /// <summary>Traffic of this systemd service's processes (<c>nginx.service</c>), either direction: matched by the
    /// cgroup of the local socket (<c>socket cgroupv2</c>). A service the VM does not run matches nothing until it starts.</summary>
    public string? Service { get; init; }

    /// <summary><c>allow</c>, <c>deny</c> (drop), <c>reject</c> (refuse at once) or <c>log</c> (log and go on).</summary>
    public string Action { get; init; } = FirewallNames.Deny;
}
