using System.Globalization;
using Lightshield.Agent.OnAccess;
using Lightshield.Protocol.Policies;

namespace Lightshield.Agent.Center;

/// <summary>The on-access part of a center policy as <c>OnAccess</c> configuration keys. Fanotify marks are set when
/// the agent starts, so the stored policy's on-access settings are added to the configuration then, over the
/// configuration file's; a policy that changes them while the agent runs takes effect at its next start.</summary>
public static class OnAccessPolicySettings
{
    public static Dictionary<string, string?> From(OnAccessPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var settings = new Dictionary<string, string?>
        {
            ["OnAccess:Enabled"] = policy.Enabled ? "true" : "false",
            ["OnAccess:Mode"] = (policy.Mode == "exec" ? OnAccessMode.ExecOnly : OnAccessMode.Open).ToString(),
            ["OnAccess:DecisionTimeout"] = TimeSpan.FromMilliseconds(policy.DecisionTimeoutMilliseconds).ToString("c", CultureInfo.InvariantCulture),
        };
        AddList(settings, "OnAccess:ProtectedPaths", policy.ProtectedPaths);
        AddList(settings, "OnAccess:ExcludedPaths", policy.ExcludedPaths);
        AddList(settings, "OnAccess:ExcludedProcesses", policy.ExcludedProcesses);
        AddList(settings, "OnAccess:DenyLimitExceededPaths", policy.DenyLimitExceededPaths ?? []);
        for (var i = 0; i < policy.FailClosedPaths.Count; i++)
        {
            settings[$"OnAccess:FailPolicies:{i}:PathPrefix"] = policy.FailClosedPaths[i];
            settings[$"OnAccess:FailPolicies:{i}:Policy"] = nameof(FailPolicy.FailClosed);
        }
        return settings;
    }

    /// <summary>Adds the on-access settings of the policy stored in <paramref name="stateDirectory"/>, if any.</summary>
    public static void AddStoredPolicy(IConfigurationBuilder configuration, string stateDirectory)
    {
        if (PolicyFile.Load(stateDirectory) is { } stored)
        {
            configuration.AddInMemoryCollection(From(stored.Policy.OnAccess));
        }
    }

    private static void AddList(Dictionary<string, string?> settings, string key, IReadOnlyList<string> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            settings[$"{key}:{i}"] = values[i];
        }
    }
}
