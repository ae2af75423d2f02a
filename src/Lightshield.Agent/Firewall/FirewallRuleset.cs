using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Lightshield.Protocol.Policies;

namespace Lightshield.Agent.Firewall;

/// <summary>
/// Builds the agent's table from a validated policy, as libnftables JSON written value by value (addresses from
/// <see cref="IPNetwork"/>, ports and ids as integers, fixed words): no text a tenant wrote reaches nftables.
/// Each chain holds, in order: loopback and established traffic, the agent's channels, the VM's network essentials
/// (IPv6 neighbour discovery, DHCP), the tenant's rules with a counter each, and the default as a counted rule. In
/// monitor mode a deny or reject accepts instead, so the first matching rule still decides what is counted, and a
/// talker rule before it (no verdict, so it can never change the outcome) records the peer address in a bounded set
/// with a counter per address (the rule's top talkers) and logs, rate-limited.
/// </summary>
public static class FirewallRuleset
{
    public const string Family = "inet";
    public const string Table = "lightshield";
    public const string InputChain = "input";
    public const string OutputChain = "output";
    public const string RulePrefix = "rule ";
    public const string DefaultInbound = "default inbound";
    public const string DefaultOutbound = "default outbound";

    /// <summary>Talker sets are named <c>talkers_{tag}_4</c> and <c>talkers_{tag}_6</c>: tag is the rule index, or
    /// <c>in</c>/<c>out</c> for the defaults.</summary>
    public const string TalkerSetPrefix = "talkers_";

    /// <summary>Peer addresses kept per talker set; a full set stops recording new ones until entries expire.</summary>
    public const int TalkerSetSize = 1024;

    /// <summary>An address that stops sending leaves its set after this long.</summary>
    public const int TalkerTimeoutSeconds = 3600;

    /// <summary>Monitor-mode log lines per talker rule: enough to read, never a flood in the kernel log.</summary>
    public const int LogPerSecond = 5;

    /// <summary>Lists the table (fails when it does not exist).</summary>
    public static string ListCommand { get; } = Batch(w => Command(w, "list", () => TableObject(w)));

    /// <summary>A rule with a per-service match, to try in a dry run: libnftables releases whose JSON interface does not
    /// know <c>socket cgroupv2</c> (Debian 12's 1.0.6) refuse it, and per-service rules are then left out with that reason.</summary>
    public static string ServiceProbeCommand { get; } = Batch(w =>
    {
        Command(w, "add", () => TableObject(w));
        Command(w, "add", () =>
        {
            w.WriteStartObject("chain");
            w.WriteString("family", Family);
            w.WriteString("table", Table);
            w.WriteString("name", "probe");
            w.WriteEndObject();
        });
        Command(w, "add", () =>
        {
            w.WriteStartObject("rule");
            w.WriteString("family", Family);
            w.WriteString("table", Table);
            w.WriteString("chain", "probe");
            w.WriteStartArray("expr");
            Match(w, () => ServiceSocket(w, 0), () => w.WriteStringValue(""));
            w.WriteEndArray();
            w.WriteEndObject();
        });
    });

    /// <summary>Removes the table; creating it first makes the batch succeed whether it exists or not.</summary>
    public static string DeleteCommand { get; } = Batch(w =>
    {
        Command(w, "add", () => TableObject(w));
        Command(w, "delete", () => TableObject(w));
    });

    /// <summary>The policy as one batch. <paramref name="services"/> says where a rule's service runs
    /// (<see cref="ServiceCgroups.Find"/>); null leaves every per-service rule out.</summary>
    public static CompiledFirewall Compile(FirewallPolicy policy, IReadOnlyList<AgentChannel> channels, LocalAccounts accounts,
        Func<string, ServiceLookup>? services = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(accounts);
        var monitor = policy.Mode == FirewallNames.Monitor;
        var names = new List<string>();
        var skipped = new List<string>();
        var serviceIds = new Dictionary<string, ulong?>(StringComparer.Ordinal);
        var commands = Batch(w =>
        {
            Command(w, "add", () => TableObject(w));
            Command(w, "delete", () => TableObject(w));
            Command(w, "add", () => TableObject(w));
            foreach (var chain in new[] { InputChain, OutputChain })
            {
                Command(w, "add", () =>
                {
                    w.WriteStartObject("chain");
                    w.WriteString("family", Family);
                    w.WriteString("table", Table);
                    w.WriteString("name", chain);
                    w.WriteString("type", "filter");
                    w.WriteString("hook", chain);
                    w.WriteNumber("prio", 0);
                    w.WriteString("policy", "accept");
                    w.WriteEndObject();
                });
            }
            Essentials(w);
            foreach (var channel in channels)
            {
                Rule(w, OutputChain, $"channel: {channel}", () =>
                {
                    Match(w, () => Payload(w, channel.Address.AddressFamily == AddressFamily.InterNetwork ? "ip" : "ip6", "daddr"),
                        () => w.WriteStringValue(channel.Address.ToString()));
                    Match(w, () => Payload(w, channel.Udp ? "udp" : "tcp", "dport"), () => w.WriteNumberValue(channel.Port));
                    Verdict(w, "accept");
                });
            }
            var rules = policy.Rules ?? [];
            for (var i = 0; i < rules.Count; i++)
            {
                var rule = rules[i];
                names.Add(rule.Name);
                uint? uid = null, gid = null;
                if (rule.User is not null && (uid = accounts.UserId(rule.User)) is null)
                {
                    skipped.Add($"rule \"{rule.Name}\": this VM has no user \"{rule.User}\"");
                    continue;
                }
                if (rule.Group is not null && (gid = accounts.GroupId(rule.Group)) is null)
                {
                    skipped.Add($"rule \"{rule.Name}\": this VM has no group \"{rule.Group}\"");
                    continue;
                }
                ServiceCgroup? cgroup = null;
                if (rule.Service is not null)
                {
                    var lookup = services?.Invoke(rule.Service) ?? new ServiceLookup(null, "per-service rules are not resolved here");
                    serviceIds[rule.Service] = lookup.Cgroup?.Id;
                    if ((cgroup = lookup.Cgroup) is null)
                    {
                        skipped.Add($"rule \"{rule.Name}\": {lookup.Reason}");
                        continue;
                    }
                }
                TenantRule(w, i, rule, policy.Zones, uid, gid, cgroup, monitor);
            }
            DefaultRule(w, InputChain, DefaultInbound, policy.DefaultInbound, monitor);
            DefaultRule(w, OutputChain, DefaultOutbound, policy.DefaultOutbound, monitor);
        });
        return new CompiledFirewall(commands, names, skipped, serviceIds);
    }

    private static void Essentials(Utf8JsonWriter w)
    {
        foreach (var (chain, key) in new[] { (InputChain, "iifname"), (OutputChain, "oifname") })
        {
            Rule(w, chain, "loopback", () =>
            {
                Match(w, () => Meta(w, key), () => w.WriteStringValue("lo"));
                Verdict(w, "accept");
            });
            Rule(w, chain, "established", () =>
            {
                Match(w, () =>
                {
                    w.WriteStartObject();
                    w.WriteStartObject("ct");
                    w.WriteString("key", "state");
                    w.WriteEndObject();
                    w.WriteEndObject();
                }, () =>
                {
                    w.WriteStartArray();
                    w.WriteStringValue("established");
                    w.WriteStringValue("related");
                    w.WriteEndArray();
                }, "in");
                Verdict(w, "accept");
            });
            Rule(w, chain, "neighbour discovery", () =>
            {
                Match(w, () => Payload(w, "icmpv6", "type"), () => Set(w, ["nd-neighbor-solicit", "nd-neighbor-advert", "nd-router-solicit", "nd-router-advert"]));
                Verdict(w, "accept");
            });
        }
        foreach (var (client, server) in new[] { (68, 67), (546, 547) })
        {
            Rule(w, InputChain, "dhcp", () =>
            {
                Match(w, () => Payload(w, "udp", "sport"), () => w.WriteNumberValue(server));
                Match(w, () => Payload(w, "udp", "dport"), () => w.WriteNumberValue(client));
                Verdict(w, "accept");
            });
            Rule(w, OutputChain, "dhcp", () =>
            {
                Match(w, () => Payload(w, "udp", "dport"), () => w.WriteNumberValue(server));
                Verdict(w, "accept");
            });
        }
    }

    private static void TenantRule(Utf8JsonWriter w, int index, FirewallRule rule, IReadOnlyDictionary<string, IReadOnlyList<string>>? zones,
        uint? uid, uint? gid, ServiceCgroup? service, bool monitor)
    {
        var inbound = rule.Direction == FirewallNames.Inbound;
        var chain = inbound ? InputChain : OutputChain;
        var local = FirewallValues.Networks(rule.LocalAddresses, zones);
        var remote = FirewallValues.Networks(rule.RemoteAddresses, zones);
        var perFamily = local.Count > 0 || remote.Count > 0 || rule.Protocol is FirewallNames.Icmp or FirewallNames.Icmpv6;
        var tag = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var blocks = rule.Action is FirewallNames.Deny or FirewallNames.Reject;
        var families = new List<AddressFamily>();
        foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
        {
            if ((local.Count > 0 && !local.Any(n => n.BaseAddress.AddressFamily == family))
                || (remote.Count > 0 && !remote.Any(n => n.BaseAddress.AddressFamily == family))
                || (rule.Protocol == FirewallNames.Icmp && family != AddressFamily.InterNetwork)
                || (rule.Protocol == FirewallNames.Icmpv6 && family != AddressFamily.InterNetworkV6))
            {
                continue;
            }
            families.Add(family);
        }

        void Matches(AddressFamily? family)
        {
            if (family is { } f)
            {
                var ip = f == AddressFamily.InterNetwork ? "ip" : "ip6";
                var localHere = local.Where(n => n.BaseAddress.AddressFamily == f).ToList();
                var remoteHere = remote.Where(n => n.BaseAddress.AddressFamily == f).ToList();
                if (!perFamily)
                {
                    Match(w, () => Meta(w, "nfproto"), () => w.WriteStringValue(f == AddressFamily.InterNetwork ? "ipv4" : "ipv6"));
                }
                if (localHere.Count > 0)
                {
                    Match(w, () => Payload(w, ip, inbound ? "daddr" : "saddr"), () => Networks(w, localHere));
                }
                if (remoteHere.Count > 0)
                {
                    Match(w, () => Payload(w, ip, inbound ? "saddr" : "daddr"), () => Networks(w, remoteHere));
                }
            }
            ProtocolMatches(w, rule, inbound);
            if (uid is { } u)
            {
                Match(w, () => Meta(w, "skuid"), () => w.WriteNumberValue(u));
            }
            if (gid is { } g)
            {
                Match(w, () => Meta(w, "skgid"), () => w.WriteNumberValue(g));
            }
            if (service is not null)
            {
                Match(w, () => ServiceSocket(w, service.Level), () => w.WriteStringValue(service.NftPath));
            }
        }

        if (monitor && blocks)
        {
            foreach (var family in families)
            {
                TalkerRule(w, chain, tag, family, $"lightshield would-{rule.Action} r{tag} ", () => Matches(family));
            }
        }
        foreach (var family in perFamily ? families.Select(f => (AddressFamily?)f) : [null])
        {
            Rule(w, chain, RulePrefix + tag, () =>
            {
                Matches(family);
                Counter(w);
                Action(w, rule.Action, monitor, $"r{tag}", rule.Protocol == FirewallNames.Tcp);
            });
        }
    }

    /// <summary>
    /// Records the peer of what a monitor-mode rule would block: the set statement adds the peer address (or counts it
    /// again), then a rate-limited log line. No verdict: when the set is full or the log rate is spent, nftables stops
    /// this rule only, and the rule after it still counts and decides.
    /// </summary>
    private static void TalkerRule(Utf8JsonWriter w, string chain, string tag, AddressFamily family, string logPrefix, Action matches)
    {
        var v4 = family == AddressFamily.InterNetwork;
        var set = $"{TalkerSetPrefix}{tag}_{(v4 ? 4 : 6)}";
        Command(w, "add", () =>
        {
            w.WriteStartObject("set");
            w.WriteString("family", Family);
            w.WriteString("table", Table);
            w.WriteString("name", set);
            w.WriteString("type", v4 ? "ipv4_addr" : "ipv6_addr");
            w.WriteStartArray("flags");
            w.WriteStringValue("timeout");
            w.WriteEndArray();
            w.WriteNumber("timeout", TalkerTimeoutSeconds);
            w.WriteNumber("size", TalkerSetSize);
            w.WriteStartArray("stmt");
            Counter(w);
            w.WriteEndArray();
            w.WriteEndObject();
        });
        Rule(w, chain, $"talkers {tag}", () =>
        {
            matches();
            w.WriteStartObject();
            w.WriteStartObject("set");
            w.WriteString("op", "add");
            w.WritePropertyName("elem");
            Payload(w, v4 ? "ip" : "ip6", chain == InputChain ? "saddr" : "daddr");
            w.WriteString("set", "@" + set);
            w.WriteEndObject();
            w.WriteEndObject();
            RateLimitedLog(w, logPrefix);
        });
    }

    private static void ProtocolMatches(Utf8JsonWriter w, FirewallRule rule, bool inbound)
    {
        switch (rule.Protocol)
        {
            case FirewallNames.Tcp or FirewallNames.Udp:
                var localPorts = rule.LocalPorts ?? [];
                var remotePorts = rule.RemotePorts ?? [];
                if (localPorts.Count == 0 && remotePorts.Count == 0)
                {
                    Match(w, () => Meta(w, "l4proto"), () => w.WriteStringValue(rule.Protocol));
                }
                if (localPorts.Count > 0)
                {
                    Match(w, () => Payload(w, rule.Protocol, inbound ? "dport" : "sport"), () => Ports(w, localPorts));
                }
                if (remotePorts.Count > 0)
                {
                    Match(w, () => Payload(w, rule.Protocol, inbound ? "sport" : "dport"), () => Ports(w, remotePorts));
                }
                break;
            case FirewallNames.Icmp or FirewallNames.Icmpv6:
                Match(w, () => Meta(w, "l4proto"), () => w.WriteStringValue(rule.Protocol == FirewallNames.Icmp ? "icmp" : "ipv6-icmp"));
                if ((rule.IcmpTypes ?? []).Count > 0)
                {
                    Match(w, () => Payload(w, rule.Protocol, "type"), () => Set(w, rule.IcmpTypes!));
                }
                break;
        }
    }

    private static void DefaultRule(Utf8JsonWriter w, string chain, string comment, string action, bool monitor)
    {
        var tag = chain == InputChain ? "in" : "out";
        if (monitor && action is FirewallNames.Deny or FirewallNames.Reject)
        {
            foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
            {
                var nfproto = family == AddressFamily.InterNetwork ? "ipv4" : "ipv6";
                TalkerRule(w, chain, tag, family, $"lightshield would-{action} {tag} ",
                    () => Match(w, () => Meta(w, "nfproto"), () => w.WriteStringValue(nfproto)));
            }
        }
        Rule(w, chain, comment, () =>
        {
            Counter(w);
            Action(w, action, monitor, tag, tcp: false);
        });
    }

    private static void Action(Utf8JsonWriter w, string action, bool monitor, string tag, bool tcp)
    {
        switch (action)
        {
            case FirewallNames.Allow:
                Verdict(w, "accept");
                break;
            case FirewallNames.Log:
                RateLimitedLog(w, $"lightshield log {tag} ");
                break;
            case FirewallNames.Deny or FirewallNames.Reject when monitor:
                // Logged, rate-limited, by the talker rule just before this one.
                Verdict(w, "accept");
                break;
            case FirewallNames.Deny:
                Verdict(w, "drop");
                break;
            case FirewallNames.Reject:
                w.WriteStartObject();
                if (tcp)
                {
                    w.WriteStartObject("reject");
                    w.WriteString("type", "tcp reset");
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteNull("reject");
                }
                w.WriteEndObject();
                break;
            default:
                throw new ArgumentException($"unknown firewall action {action}", nameof(action));
        }
    }

    /// <summary>A log statement behind a limit: past the rate, nftables stops the rule at the limit, which only ever
    /// comes after the rule's counter and never before a verdict.</summary>
    private static void RateLimitedLog(Utf8JsonWriter w, string prefix)
    {
        w.WriteStartObject();
        w.WriteStartObject("limit");
        w.WriteNumber("rate", LogPerSecond);
        w.WriteString("per", "second");
        w.WriteNumber("burst", LogPerSecond * 2);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteStartObject("log");
        w.WriteString("prefix", prefix);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Counter(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteNull("counter");
        w.WriteEndObject();
    }

    private static void Verdict(Utf8JsonWriter w, string verdict)
    {
        w.WriteStartObject();
        w.WriteNull(verdict);
        w.WriteEndObject();
    }

    private static void Networks(Utf8JsonWriter w, List<IPNetwork> networks)
    {
        w.WriteStartObject();
        w.WriteStartArray("set");
        foreach (var network in networks.Distinct())
        {
            var full = network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            if (network.PrefixLength == full)
            {
                w.WriteStringValue(network.BaseAddress.ToString());
                continue;
            }
            w.WriteStartObject();
            w.WriteStartObject("prefix");
            w.WriteString("addr", network.BaseAddress.ToString());
            w.WriteNumber("len", network.PrefixLength);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Ports(Utf8JsonWriter w, IReadOnlyList<string> entries)
    {
        w.WriteStartObject();
        w.WriteStartArray("set");
        foreach (var entry in entries)
        {
            if (!FirewallValues.TryParsePorts(entry, out var range))
            {
                throw new ArgumentException($"port entry {entry} was not validated", nameof(entries));
            }
            if (range.From == range.To)
            {
                w.WriteNumberValue(range.From);
                continue;
            }
            w.WriteStartObject();
            w.WriteStartArray("range");
            w.WriteNumberValue(range.From);
            w.WriteNumberValue(range.To);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Set(Utf8JsonWriter w, IReadOnlyList<string> names)
    {
        w.WriteStartObject();
        w.WriteStartArray("set");
        foreach (var name in names)
        {
            w.WriteStringValue(name);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Match(Utf8JsonWriter w, Action left, Action right, string op = "==")
    {
        w.WriteStartObject();
        w.WriteStartObject("match");
        w.WriteString("op", op);
        w.WritePropertyName("left");
        left();
        w.WritePropertyName("right");
        right();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Payload(Utf8JsonWriter w, string protocol, string field)
    {
        w.WriteStartObject();
        w.WriteStartObject("payload");
        w.WriteString("protocol", protocol);
        w.WriteString("field", field);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>The cgroup of the packet's local socket (the sender outbound, the listener or connection inbound).</summary>
    private static void ServiceSocket(Utf8JsonWriter w, int level)
    {
        w.WriteStartObject();
        w.WriteStartObject("socket");
        w.WriteString("key", "cgroupv2");
        w.WriteNumber("level", level);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Meta(Utf8JsonWriter w, string key)
    {
        w.WriteStartObject();
        w.WriteStartObject("meta");
        w.WriteString("key", key);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Rule(Utf8JsonWriter w, string chain, string comment, Action expressions) => Command(w, "add", () =>
    {
        w.WriteStartObject("rule");
        w.WriteString("family", Family);
        w.WriteString("table", Table);
        w.WriteString("chain", chain);
        w.WriteString("comment", comment);
        w.WriteStartArray("expr");
        expressions();
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void TableObject(Utf8JsonWriter w)
    {
        w.WriteStartObject("table");
        w.WriteString("family", Family);
        w.WriteString("name", Table);
        w.WriteEndObject();
    }

    private static void Command(Utf8JsonWriter w, string verb, Action body)
    {
        w.WriteStartObject();
        w.WriteStartObject(verb);
        body();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static string Batch(Action<Utf8JsonWriter> commands)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("nftables");
            commands(w);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
