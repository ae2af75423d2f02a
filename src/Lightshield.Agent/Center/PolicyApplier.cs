using Lightshield.Agent.Configuration;
using Lightshield.Agent.Firewall;
using Lightshield.Protocol.Policies;

namespace Lightshield.Agent.Center;

/// <summary>Applies a policy the center sent: validated, stored, then live for what can change while the agent runs
/// (on-demand exclusions and full-scan paths, read rate, maximum file size, the infected action); on-access settings
/// at the next start (<see cref="OnAccessPolicySettings"/>), the firewall at once. An invalid policy, or one whose
/// firewall rules aim at the agent's own channels, is logged and not applied: the last good one stays.</summary>
public sealed partial class PolicyApplier(EffectivePolicy policy, string stateDirectory, ILogger<PolicyApplier> logger, FirewallEnforcer? firewall = null)
{
    private readonly OnAccessPolicy? _onAccessAtStart = PolicyFile.Load(stateDirectory)?.Policy.OnAccess;

    /// <summary>The version in force; 0 = none from the center yet.</summary>
    public long Version => policy.Current.Version;

    /// <summary>Applies the stored policy, at start.</summary>
    public void ApplyStored()
    {
        if (PolicyFile.Load(stateDirectory) is { } stored)
        {
            policy.Apply(stored.Version, stored.Policy);
        }
    }

    public bool Apply(long version, string policyJson)
    {
        PolicyDocument document;
        try
        {
            document = PolicyJson.Parse(policyJson);
        }
        catch (PolicyException exception)
        {
            LogInvalid(logger, version, string.Join("; ", exception.Errors));
            return false;
        }
        if (firewall?.Refusals(document.Firewall) is { Count: > 0 } refusals)
        {
            LogInvalid(logger, version, string.Join("; ", refusals));
            return false;
        }
        PolicyFile.Save(stateDirectory, version, policyJson);
        var settings = policy.Apply(version, document);
        LogApplied(logger, version, settings.OnDemandAction, settings.ReadRateBytesPerSecond / (1024 * 1024), settings.MaxFileSizeBytes);
        if (!OnAccessEquals(_onAccessAtStart, document.OnAccess))
        {
            LogOnAccessAtNextStart(logger, version);
        }
        return true;
    }

    private static bool OnAccessEquals(OnAccessPolicy? a, OnAccessPolicy b) =>
        a is not null && a.Enabled == b.Enabled && a.Mode == b.Mode && a.DecisionTimeoutMilliseconds == b.DecisionTimeoutMilliseconds
        && a.ProtectedPaths.SequenceEqual(b.ProtectedPaths) && a.FailClosedPaths.SequenceEqual(b.FailClosedPaths)
        && a.ExcludedPaths.SequenceEqual(b.ExcludedPaths) && a.ExcludedProcesses.SequenceEqual(b.ExcludedProcesses)
        && (a.DenyLimitExceededPaths ?? []).SequenceEqual(b.DenyLimitExceededPaths ?? []);

    [LoggerMessage(Level = LogLevel.Information, Message = "Policy version {Version} applied: action {Action}, read rate {ReadRate} MB/s, largest file {MaxFileSize} bytes")]
    private static partial void LogApplied(ILogger logger, long version, DetectionAction action, long readRate, long maxFileSize);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Policy version {Version} changes on-access protection; that part takes effect when the agent restarts")]
    private static partial void LogOnAccessAtNextStart(ILogger logger, long version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Policy version {Version} from the center is not valid and is not applied: {Errors}")]
    private static partial void LogInvalid(ILogger logger, long version, string errors);
}
