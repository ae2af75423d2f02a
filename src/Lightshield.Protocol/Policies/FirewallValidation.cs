using System.Net.Sockets;

namespace Lightshield.Protocol.Policies;

/// <summary>The rules a firewall policy must satisfy; every problem is reported, each naming its field.</summary>
internal static class FirewallValidation
{
    public const int MaxRules = 2000;
    public const int MaxZones = 64;
    public const int MaxZoneEntries = 1024;
    public const int MaxRuleEntries = 256;

    public static void Validate(List<string> errors, FirewallPolicy? firewall)
    {
        if (firewall is null)
        {
            return;
        }
        OneOf(errors, "firewall.mode", firewall.Mode, FirewallNames.Modes);
        OneOf(errors, "firewall.defaultInbound", firewall.DefaultInbound, FirewallNames.DefaultActions);
        OneOf(errors, "firewall.defaultOutbound", firewall.DefaultOutbound, FirewallNames.DefaultActions);
        var zones = firewall.Zones ?? new Dictionary<string, IReadOnlyList<string>>();
        if (zones.Count > MaxZones)
        {
            errors.Add($"firewall.zones has {zones.Count} zones; at most {MaxZones}.");
        }
        foreach (var (name, entries) in zones)
        {
            if (!FirewallValues.IsZoneName(name))
            {
                errors.Add($"firewall.zones name \"{Shown(name)}\" must be lower-case letters, digits, '-' or '_', starting with a letter, at most 32.");
            }
            if ((entries ?? []).Count is 0 or > MaxZoneEntries)
            {
                errors.Add($"firewall.zones.{Shown(name)} must have 1 to {MaxZoneEntries} addresses.");
            }
            foreach (var entry in (entries ?? []).Where(e => !FirewallValues.TryParseNetwork(e, out _)).Take(5))
            {
                errors.Add($"firewall.zones.{Shown(name)} entry \"{Shown(entry)}\" is not an IPv4/IPv6 address or CIDR prefix (host bits zero).");
            }
        }
        var rules = firewall.Rules ?? [];
        if (rules.Count > MaxRules)
        {
            errors.Add($"firewall.rules has {rules.Count} rules; at most {MaxRules}.");
            return;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            if (rules[i] is null)
            {
                errors.Add($"firewall.rules[{i}] is null.");
                continue;
            }
            Rule(errors, $"firewall.rules[{i}]", rules[i], zones, names);
        }
    }

    private static void Rule(List<string> errors, string at, FirewallRule rule, IReadOnlyDictionary<string, IReadOnlyList<string>> zones, HashSet<string> names)
    {
        if (!FirewallValues.IsRuleName(rule.Name))
        {
            errors.Add($"{at}.name \"{Shown(rule.Name)}\" must be 1 to 64 letters, digits, spaces or _ . : -");
        }
        else if (!names.Add(rule.Name))
        {
            errors.Add($"{at}.name \"{rule.Name}\" is used by an earlier rule; names are unique (counters are reported by name).");
        }
        at = $"{at} \"{Shown(rule.Name)}\"";
        OneOf(errors, $"{at}.direction", rule.Direction, FirewallNames.Directions);
        OneOf(errors, $"{at}.protocol", rule.Protocol, FirewallNames.Protocols);
        OneOf(errors, $"{at}.action", rule.Action, FirewallNames.Actions);
        var local = Addresses(errors, $"{at}.localAddresses", rule.LocalAddresses, zones);
        var remote = Addresses(errors, $"{at}.remoteAddresses", rule.RemoteAddresses, zones);
        Ports(errors, $"{at}.localPorts", rule.LocalPorts, rule.Protocol);
        Ports(errors, $"{at}.remotePorts", rule.RemotePorts, rule.Protocol);
        IcmpTypes(errors, at, rule);
        foreach (var (field, value) in new[] { ("user", rule.User), ("group", rule.Group) })
        {
            if (value is null)
            {
                continue;
            }
            if (!FirewallValues.IsAccountReference(value))
            {
                errors.Add($"{at}.{field} \"{Shown(value)}\" is not a user or group name or a numeric id.");
            }
            if (rule.Direction == FirewallNames.Inbound)
            {
                errors.Add($"{at}.{field} applies to outbound rules only: the kernel knows the owning {field} of a packet only when a local process sends it.");
            }
        }
        if (rule.Service is not null && !FirewallValues.IsServiceName(rule.Service))
        {
            errors.Add($"{at}.service \"{Shown(rule.Service)}\" is not a systemd service name such as nginx.service (letters, digits, : _ . @ -, ending in .service).");
        }
        var families = Families(local) & Families(remote) & rule.Protocol switch
        {
            FirewallNames.Icmp => Family.V4,
            FirewallNames.Icmpv6 => Family.V6,
            _ => Family.Both,
        };
        if (families == Family.None)
        {
            errors.Add($"{at} can never match: its addresses and protocol leave neither IPv4 nor IPv6.");
        }
    }

    private static List<System.Net.IPNetwork>? Addresses(List<string> errors, string field, IReadOnlyList<string>? entries,
        IReadOnlyDictionary<string, IReadOnlyList<string>> zones)
    {
        if ((entries ?? []).Count == 0)
        {
            return null;
        }
        if (entries!.Count > MaxRuleEntries)
        {
            errors.Add($"{field} has {entries.Count} entries; at most {MaxRuleEntries} (use a zone for more).");
        }
        foreach (var entry in entries.Where(e => !FirewallValues.TryParseNetwork(e, out _) && (e is null || !zones.ContainsKey(e))).Take(5))
        {
            errors.Add($"{field} entry \"{Shown(entry)}\" is neither an IPv4/IPv6 address or CIDR prefix (host bits zero) nor a zone of firewall.zones.");
        }
        return [.. FirewallValues.Networks(entries, zones)];
    }

    private static void Ports(List<string> errors, string field, IReadOnlyList<string>? entries, string protocol)
    {
        if ((entries ?? []).Count == 0)
        {
            return;
        }
        if (protocol is not (FirewallNames.Tcp or FirewallNames.Udp))
        {
            errors.Add($"{field} needs protocol tcp or udp, not \"{Shown(protocol)}\".");
        }
        if (entries!.Count > MaxRuleEntries)
        {
            errors.Add($"{field} has {entries.Count} entries; at most {MaxRuleEntries}.");
        }
        foreach (var entry in entries.Where(e => !FirewallValues.TryParsePorts(e, out _)).Take(5))
        {
            errors.Add($"{field} entry \"{Shown(entry)}\" is not a port (1-65535) or a range such as 8000-8100.");
        }
    }

    private static void IcmpTypes(List<string> errors, string at, FirewallRule rule)
    {
        var types = rule.IcmpTypes ?? [];
        if (types.Count == 0)
        {
            return;
        }
        var known = rule.Protocol switch
        {
            FirewallNames.Icmp => FirewallNames.IcmpTypes,
            FirewallNames.Icmpv6 => FirewallNames.Icmpv6Types,
            _ => null,
        };
        if (known is null)
        {
            errors.Add($"{at}.icmpTypes needs protocol icmp or icmpv6, not \"{Shown(rule.Protocol)}\".");
            return;
        }
        foreach (var type in types.Where(t => t is null || !known.Contains(t)).Take(5))
        {
            errors.Add($"{at}.icmpTypes entry \"{Shown(type)}\" is not an {rule.Protocol} type (e.g. echo-request).");
        }
    }

    private static Family Families(List<System.Net.IPNetwork>? networks) => networks is null
        ? Family.Both
        : networks.Aggregate(Family.None, (f, n) => f | (n.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? Family.V4 : Family.V6));

    private static void OneOf(List<string> errors, string field, string? value, System.Collections.Frozen.FrozenSet<string> allowed)
    {
        if (value is null || !allowed.Contains(value))
        {
            errors.Add($"{field} must be one of {string.Join(", ", allowed.Order(StringComparer.Ordinal))}, not \"{Shown(value)}\".");
        }
    }

    /// <summary>A value quoted in a message, cut short: messages echo what was sent, never megabytes of it.</summary>
    private static string Shown(string? value) => value is null ? "null" : value.Length <= 64 ? value : value[..64] + "…";

    [Flags]
    private enum Family
    {
        None = 0,
        V4 = 1,
        V6 = 2,
        Both = V4 | V6,
    }
}
