namespace Lightshield.Protocol.Policies;

/// <summary>The rules a policy must satisfy before the center stores it or an agent applies it.</summary>
internal static class PolicyValidation
{
    public const int MaxListEntries = 256;

    public static IReadOnlyList<string> Validate(PolicyDocument policy)
    {
        var errors = new List<string>();
        var onAccess = policy.OnAccess ?? new OnAccessPolicy();
        if (onAccess.Mode is not ("open" or "exec"))
        {
            errors.Add($"onAccess.mode must be \"open\" or \"exec\", not \"{onAccess.Mode}\".");
        }
        if (onAccess.Enabled && (onAccess.ProtectedPaths ?? []).Count == 0)
        {
            errors.Add("onAccess.protectedPaths is empty while on-access protection is enabled.");
        }
        AbsolutePaths(errors, "onAccess.protectedPaths", onAccess.ProtectedPaths);
        AbsolutePaths(errors, "onAccess.failClosedPaths", onAccess.FailClosedPaths);
        AbsolutePaths(errors, "onAccess.denyLimitExceededPaths", onAccess.DenyLimitExceededPaths);
        Bounded(errors, "onAccess.excludedPaths", onAccess.ExcludedPaths);
        Bounded(errors, "onAccess.excludedProcesses", onAccess.ExcludedProcesses);
        if (onAccess.DecisionTimeoutMilliseconds is < 100 or > 60_000)
        {
            errors.Add($"onAccess.decisionTimeoutMilliseconds must be between 100 and 60000, not {onAccess.DecisionTimeoutMilliseconds}.");
        }

        var onDemand = policy.OnDemand ?? new OnDemandPolicy();
        if ((onDemand.Paths ?? []).Count == 0)
        {
            errors.Add("onDemand.paths is empty: a full scan would cover nothing.");
        }
        AbsolutePaths(errors, "onDemand.paths", onDemand.Paths);
        Bounded(errors, "onDemand.excludedPaths", onDemand.ExcludedPaths);

        if (!Enum.IsDefined(policy.InfectedAction))
        {
            errors.Add($"infectedAction {(int)policy.InfectedAction} is not one of report, deny, quarantine, delete.");
        }
        if (policy.MaxFileSizeBytes is < 1 or > 4L * 1024 * 1024 * 1024)
        {
            errors.Add($"maxFileSizeBytes must be between 1 and 4 GiB, not {policy.MaxFileSizeBytes}.");
        }
        if (policy.ReadRateMegabytesPerSecond is < 0 or > 100_000)
        {
            errors.Add($"readRateMegabytesPerSecond must be between 0 (no limit) and 100000, not {policy.ReadRateMegabytesPerSecond}.");
        }
        var schedules = policy.Schedules ?? [];
        if (schedules.Count > 32)
        {
            errors.Add($"schedules has {schedules.Count} entries; at most 32.");
        }
        foreach (var schedule in schedules)
        {
            if (string.IsNullOrWhiteSpace(schedule.Name) || schedule.Name.Length > 64)
            {
                errors.Add("schedules[].name must be 1 to 64 characters.");
            }
            if (!CronExpressionCheck.IsValid(schedule.Cron, out var cronError))
            {
                errors.Add($"schedules[{schedule.Name}].cron \"{schedule.Cron}\": {cronError}");
            }
            if (schedule.SpreadMinutes is < 0 or > 24 * 60)
            {
                errors.Add($"schedules[{schedule.Name}].spreadMinutes must be between 0 and 1440, not {schedule.SpreadMinutes}.");
            }
        }
        FirewallValidation.Validate(errors, policy.Firewall);
        errors.AddRange((policy.Health ?? new HealthThresholds()).Validate());
        return errors;
    }

    private static void AbsolutePaths(List<string> errors, string field, IReadOnlyList<string>? paths)
    {
        Bounded(errors, field, paths);
        foreach (var path in paths ?? [])
        {
            if (string.IsNullOrWhiteSpace(path) || !path.StartsWith('/') || path.Contains('\0', StringComparison.Ordinal))
            {
                errors.Add($"{field} entry \"{path}\" is not an absolute path.");
            }
        }
    }

    private static void Bounded(List<string> errors, string field, IReadOnlyList<string>? entries)
    {
        if ((entries ?? []).Count > MaxListEntries)
        {
            errors.Add($"{field} has {entries!.Count} entries; at most {MaxListEntries}.");
        }
        if ((entries ?? []).Any(e => e is null || e.Length > 4096))
        {
            errors.Add($"{field} has an empty or overlong entry.");
        }
    }
}
