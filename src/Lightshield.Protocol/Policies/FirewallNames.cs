using System.Collections.Frozen;

namespace Lightshield.Protocol.Policies;

/// <summary>The words of a firewall policy, as they appear in its JSON.</summary>
public static class FirewallNames
{
    public const string Off = "off";
    public const string Monitor = "monitor";
    public const string Enforcing = "enforcing";
    public const string Allow = "allow";
    public const string Deny = "deny";
    public const string Reject = "reject";
    public const string Log = "log";
    public const string Inbound = "inbound";
    public const string Outbound = "outbound";
    public const string Any = "any";
    public const string Tcp = "tcp";
    public const string Udp = "udp";
    public const string Icmp = "icmp";
    public const string Icmpv6 = "icmpv6";

    /// <summary>A firewall state the agent reports (beside the modes): its table was changed by someone else and repaired
    /// at the last check.</summary>
    public const string Drifted = "drifted";

    /// <summary>A firewall state the agent reports: nftables refused the table (the previous one, if any, stays).</summary>
    public const string Failed = "failed";

    public static FrozenSet<string> Modes { get; } = FrozenSet.Create(StringComparer.Ordinal, Off, Monitor, Enforcing);

    /// <summary>What an agent reports as its firewall's state (<c>HealthReport.firewall_state</c>).</summary>
    public static FrozenSet<string> States { get; } = FrozenSet.Create(StringComparer.Ordinal, Off, Monitor, Enforcing, Drifted, Failed);

    public static FrozenSet<string> Actions { get; } = FrozenSet.Create(StringComparer.Ordinal, Allow, Deny, Reject, Log);

    public static FrozenSet<string> DefaultActions { get; } = FrozenSet.Create(StringComparer.Ordinal, Allow, Deny, Reject);

    public static FrozenSet<string> Directions { get; } = FrozenSet.Create(StringComparer.Ordinal, Inbound, Outbound);

    public static FrozenSet<string> Protocols { get; } = FrozenSet.Create(StringComparer.Ordinal, Any, Tcp, Udp, Icmp, Icmpv6);

    /// <summary>nftables' names of the ICMP types (<c>nft describe icmp type</c>).</summary>
    public static FrozenSet<string> IcmpTypes { get; } = FrozenSet.Create(StringComparer.Ordinal,
        "echo-reply", "destination-unreachable", "source-quench", "redirect", "echo-request", "router-advertisement",
        "router-solicitation", "time-exceeded", "parameter-problem", "timestamp-request", "timestamp-reply", "info-request",
        "info-reply", "address-mask-request", "address-mask-reply");

    /// <summary>nftables' names of the ICMPv6 types (<c>nft describe icmpv6 type</c>).</summary>
    public static FrozenSet<string> Icmpv6Types { get; } = FrozenSet.Create(StringComparer.Ordinal,
        "destination-unreachable", "packet-too-big", "time-exceeded", "parameter-problem", "echo-request", "echo-reply",
        "mld-listener-query", "mld-listener-report", "mld-listener-done", "nd-router-solicit", "nd-router-advert",
        "nd-neighbor-solicit", "nd-neighbor-advert", "nd-redirect", "router-renumbering", "ind-neighbor-solicit",
        "ind-neighbor-advert", "mld2-listener-report");
}
