namespace Lightshield.Agent.Firewall;

/// <summary>How the agent runs the firewall part of its policy (section <c>Firewall</c>).</summary>
public sealed record FirewallOptions
{
    public const string Section = "Firewall";

    /// <summary>Whether the agent manages its nftables table at all; false ignores the policy's firewall part. Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>How often the table is compared with what was applied (and repaired), and counters read. Default 30 s.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether the table stays when the agent stops (the last policy keeps enforcing). Default false: it goes.</summary>
    public bool KeepEnforcingOnStop { get; init; }
}
