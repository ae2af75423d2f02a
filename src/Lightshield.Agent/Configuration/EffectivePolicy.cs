using Lightshield.Agent.Actions;
using Lightshield.Agent.Files;
using Lightshield.Protocol.Policies;

namespace Lightshield.Agent.Configuration;

/// <summary>
/// The settings the agent applies while it runs, read by scans at each use: from the configuration (sections
/// <c>Agent</c> and <c>Actions</c>) when standalone, replaced as a whole by the center's policy when one arrives.
/// Readers take <see cref="Current"/> once per batch, so they never see half of an update.
/// </summary>
public sealed class EffectivePolicy
{
    private Settings _current;

    public EffectivePolicy(AgentOptions agent, ActionOptions actions)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(actions);
        _current = new Settings(0, new PathExclusions(agent.Exclusions), ["/"], (long)(agent.ReadRateMegabytesPerSecond * 1024 * 1024),
            long.MaxValue, actions.OnAccess, actions.OnDemand, new FirewallPolicy());
    }

    public Settings Current => Volatile.Read(ref _current);

    /// <summary>Raised after <see cref="Apply"/> replaced the settings.</summary>
    public event Action<Settings>? Changed;

    /// <summary>Replaces the settings with those of a center policy. The policy's one infected action is the on-demand
    /// action; on access, <see cref="DetectionAction.Report"/> becomes <see cref="DetectionAction.Deny"/> because the
    /// policy says an on-access detection always denies the open.</summary>
    public Settings Apply(long version, PolicyDocument policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var settings = new Settings(version, new PathExclusions(policy.OnDemand.ExcludedPaths), policy.OnDemand.Paths,
            policy.ReadRateMegabytesPerSecond * 1024L * 1024L, policy.MaxFileSizeBytes,
            policy.InfectedAction == DetectionAction.Report ? DetectionAction.Deny : policy.InfectedAction, policy.InfectedAction,
            policy.Firewall ?? new FirewallPolicy());
        Volatile.Write(ref _current, settings);
        Changed?.Invoke(settings);
        return settings;
    }

    /// <param name="Version">The center policy's version; 0 = configuration only.</param>
    /// <param name="OnDemandExclusions">Paths on-demand, scheduled and full scans never scan.</param>
    /// <param name="FullScanPaths">What a full scan covers.</param>
    /// <param name="ReadRateBytesPerSecond">Read budget of background scans; 0 = unlimited.</param>
    /// <param name="MaxFileSizeBytes">Larger files are reported as not scanned.</param>
    /// <param name="OnAccessAction">Action for detections on access.</param>
    /// <param name="OnDemandAction">Action for detections of on-demand, scheduled and memory scans.</param>
    /// <param name="Firewall">The agent's nftables table; off without a center policy.</param>
    public sealed record Settings(
        long Version,
        PathExclusions OnDemandExclusions,
        IReadOnlyList<string> FullScanPaths,
        long ReadRateBytesPerSecond,
        long MaxFileSizeBytes,
        DetectionAction OnAccessAction,
        DetectionAction OnDemandAction,
        FirewallPolicy Firewall);
}
