namespace Lightshield.Agent.OnAccess;

/// <summary>The rules behind <see cref="OnAccessOptions.Validate"/>.</summary>
internal static class OnAccessOptionsValidation
{
    public static readonly TimeSpan MaxDecisionTimeout = TimeSpan.FromSeconds(60);

    private static readonly string[] PseudoFileSystems = ["/proc", "/sys"];

    public static IReadOnlyList<string> Validate(OnAccessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.ProtectedPaths is null || options.ProtectedPaths.Count == 0)
        {
            errors.Add("OnAccess:ProtectedPaths must name at least one directory.");
        }
        else
        {
            foreach (var path in options.ProtectedPaths)
            {
                if (!IsAbsolute(path))
                {
                    errors.Add($"OnAccess:ProtectedPaths: '{path}' is not an absolute path.");
                }
                else if (Array.Exists(PseudoFileSystems, p => PathPrefix.IsUnder(path, p)))
                {
                    errors.Add($"OnAccess:ProtectedPaths: '{path}' is on a pseudo file system (/proc, /sys); it cannot be protected.");
                }
            }
        }
        if (!Enum.IsDefined(options.Mode))
        {
            errors.Add($"OnAccess:Mode: '{options.Mode}' is not a mode (Open, ExecOnly).");
        }
        if (!Enum.IsDefined(options.MarkScope))
        {
            errors.Add($"OnAccess:MarkScope: '{options.MarkScope}' is not a scope (Mount, Filesystem).");
        }
        if (options.DecisionTimeout <= TimeSpan.Zero || options.DecisionTimeout > MaxDecisionTimeout)
        {
            errors.Add($"OnAccess:DecisionTimeout must be above 0 and at most {MaxDecisionTimeout.TotalSeconds:0} s (got {options.DecisionTimeout}).");
        }
        if (!Enum.IsDefined(options.DefaultFailPolicy))
        {
            errors.Add($"OnAccess:DefaultFailPolicy: '{options.DefaultFailPolicy}' is not a policy (FailOpen, FailClosed).");
        }
        foreach (var rule in options.FailPolicies ?? [])
        {
            if (rule is null || !IsAbsolute(rule.PathPrefix))
            {
                errors.Add($"OnAccess:FailPolicies: prefix '{rule?.PathPrefix}' is not an absolute path.");
            }
            else if (!Enum.IsDefined(rule.Policy))
            {
                errors.Add($"OnAccess:FailPolicies: '{rule.Policy}' for '{rule.PathPrefix}' is not a policy (FailOpen, FailClosed).");
            }
        }
        foreach (var prefix in options.DenyLimitExceededPaths ?? [])
        {
            if (!IsAbsolute(prefix))
            {
                errors.Add($"OnAccess:DenyLimitExceededPaths: '{prefix}' is not an absolute path.");
            }
        }
        foreach (var glob in options.ExcludedPaths ?? [])
        {
            if (string.IsNullOrEmpty(glob) || (glob[0] != '/' && glob[0] != '*'))
            {
                errors.Add($"OnAccess:ExcludedPaths: '{glob}' must start with '/' or '*'.");
            }
        }
        foreach (var process in options.ExcludedProcesses ?? [])
        {
            if (string.IsNullOrWhiteSpace(process))
            {
                errors.Add("OnAccess:ExcludedProcesses: an entry is empty.");
            }
            else if (process.Contains('/', StringComparison.Ordinal) && process[0] != '/' && process[0] != '*')
            {
                errors.Add($"OnAccess:ExcludedProcesses: '{process}' must be a bare name or an absolute executable path.");
            }
        }
        if (options.MaxConcurrentDecisions is < 1 or > 1024)
        {
            errors.Add($"OnAccess:MaxConcurrentDecisions must be 1..1024 (got {options.MaxConcurrentDecisions}).");
        }
        if (options.CloseWriteQueueCapacity is < 1 or > 1_000_000)
        {
            errors.Add($"OnAccess:CloseWriteQueueCapacity must be 1..1000000 (got {options.CloseWriteQueueCapacity}).");
        }
        return errors;
    }

    private static bool IsAbsolute(string? path) => !string.IsNullOrEmpty(path) && path[0] == '/';
}
