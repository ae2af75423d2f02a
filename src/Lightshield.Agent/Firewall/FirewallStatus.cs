namespace Lightshield.Agent.Firewall;

/// <summary>The firewall as the agent last saw it, for health reports.</summary>
/// <param name="State"><c>off</c>, <c>monitor</c>, <c>enforcing</c>, <c>drifted</c> (repaired at the last check) or
/// <c>failed</c> (nftables refused; the previous table, if any, stays).</param>
/// <param name="RulesSha256">Hash of the applied table's normalised listing; empty when off.</param>
/// <param name="Counters">Hits per tenant rule name, plus the two defaults.</param>
/// <param name="Repairs">Drift repairs since the agent started.</param>
/// <param name="Talkers">Monitor mode: per deny or reject rule (and default), the peers it would have blocked, most
/// packets first, at most <see cref="TopTalkersPerRule"/>.</param>
/// <param name="LeftOut">Rules of the policy left out on this VM, each with the reason (a user, group or service it
/// does not have, or cannot match).</param>
public sealed record FirewallStatus(string State, string RulesSha256, IReadOnlyDictionary<string, RuleCounter> Counters, int Repairs = 0,
    IReadOnlyDictionary<string, IReadOnlyList<Talker>>? Talkers = null, IReadOnlyList<string>? LeftOut = null)
{
    public const int TopTalkersPerRule = 5;

    public static FirewallStatus Off { get; } = new(Protocol.Policies.FirewallNames.Off, "", new Dictionary<string, RuleCounter>());

    public IReadOnlyDictionary<string, IReadOnlyList<Talker>> TopTalkers => Talkers ?? new Dictionary<string, IReadOnlyList<Talker>>();

    public IReadOnlyList<string> Skipped => LeftOut ?? [];
}
