using Lightshield.Protocol.Policies;

namespace Lightshield.Agent.Firewall;

/// <summary>Refuses a policy whose rules aim at the agent's own channels: such a rule could never take effect (the
/// channels are opened before the tenant's rules), so it is an error rather than a silent no-op. Broad rules (no
/// remote address, or a /0) are treated like the default action: the channels stay open through them.</summary>
public static class FirewallChannelCheck
{
    public static IReadOnlyList<string> Errors(FirewallPolicy policy, IReadOnlyList<AgentChannel> channels, LocalAccounts accounts)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(accounts);
        var errors = new List<string>();
        if (policy.Mode == FirewallNames.Off)
        {
            return errors;
        }
        var rules = policy.Rules ?? [];
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (rule.Direction != FirewallNames.Outbound || rule.Action is not (FirewallNames.Deny or FirewallNames.Reject)
                || (rule.User is not null && accounts.UserId(rule.User) != 0) || (rule.Group is not null && accounts.GroupId(rule.Group) != 0))
            {
                continue;
            }
            var remote = FirewallValues.Networks(rule.RemoteAddresses, policy.Zones).Where(n => n.PrefixLength > 0).ToList();
            foreach (var channel in channels.Where(c => remote.Any(n => n.Contains(c.Address)) && Carries(rule, c)))
            {
                errors.Add($"firewall.rules[{i}] \"{rule.Name}\" would {rule.Action} the agent's channel to its {channel}: the agent always keeps "
                    + "its center, scan servers and name servers reachable, so this rule cannot take effect. Exclude that address from the rule.");
            }
        }
        return errors;
    }

    private static bool Carries(FirewallRule rule, AgentChannel channel) => rule.Protocol switch
    {
        FirewallNames.Any => true,
        FirewallNames.Tcp => !channel.Udp && Ports(rule.RemotePorts, channel.Port),
        FirewallNames.Udp => channel.Udp && Ports(rule.RemotePorts, channel.Port),
        _ => false,
    };

    private static bool Ports(IReadOnlyList<string>? ports, int port) =>
        (ports ?? []).Count == 0 || ports!.Any(p => FirewallValues.TryParsePorts(p, out var r) && r.From <= port && port <= r.To);
}
