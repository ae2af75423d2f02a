namespace Lightshield.Protocol.Policies;

/// <summary>A VM's health at a glance. Sent by name over REST; the numbers are frozen all the same.</summary>
public enum HealthLevel
{
    Green = 0,
    Amber = 1,
    Red = 2,
}

/// <summary>When the center calls an agent's health amber or red: part of the group's policy, so a tenant tunes it per
/// group. A threshold of 0 turns its check off; amber must not be above red. Defaults: full scan older than 7 days amber,
/// 14 red; signature database older than 1 day amber, 3 red; a file system under 10 % free amber, 5 % red; clock skew
/// over 30 s amber, 120 s red; no report for 30 min amber, 1 day red; failed units, a pending reboot and pending security
/// updates amber; on-access off red.</summary>
public sealed record HealthThresholds
{
    public int FullScanAmberDays { get; init; } = 7;

    public int FullScanRedDays { get; init; } = 14;

    /// <summary>Memory scans are not checked by default (0).</summary>
    public int MemoryScanAmberDays { get; init; }

    public int MemoryScanRedDays { get; init; }

    public int DatabaseAgeAmberHours { get; init; } = 24;

    public int DatabaseAgeRedHours { get; init; } = 72;

    public int DiskFreeAmberPercent { get; init; } = 10;

    public int DiskFreeRedPercent { get; init; } = 5;

    public int ClockSkewAmberSeconds { get; init; } = 30;

    public int ClockSkewRedSeconds { get; init; } = 120;

    public int SilentAmberMinutes { get; init; } = 30;

    public int SilentRedMinutes { get; init; } = 24 * 60;

    public HealthLevel FailedUnits { get; init; } = HealthLevel.Amber;

    public HealthLevel RebootRequired { get; init; } = HealthLevel.Amber;

    public HealthLevel PendingSecurityUpdates { get; init; } = HealthLevel.Amber;

    public HealthLevel OnAccessOff { get; init; } = HealthLevel.Red;

    /// <summary>The firewall's policy could not be applied (nftables refused it, or libnftables is missing).</summary>
    public HealthLevel FirewallFailed { get; init; } = HealthLevel.Red;

    /// <summary>Something outside the agent changed or flushed its table since the last check (the agent repaired it).</summary>
    public HealthLevel FirewallDrifted { get; init; } = HealthLevel.Amber;

    /// <summary>Every problem, naming the field; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        Pair(errors, "fullScan", "Days", FullScanAmberDays, FullScanRedDays, 3650);
        Pair(errors, "memoryScan", "Days", MemoryScanAmberDays, MemoryScanRedDays, 3650);
        Pair(errors, "databaseAge", "Hours", DatabaseAgeAmberHours, DatabaseAgeRedHours, 24 * 3650);
        Pair(errors, "clockSkew", "Seconds", ClockSkewAmberSeconds, ClockSkewRedSeconds, 86_400);
        Pair(errors, "silent", "Minutes", SilentAmberMinutes, SilentRedMinutes, 60 * 24 * 3650);
        // Disk is the other way round: less free is worse, so red is the lower figure.
        if (DiskFreeAmberPercent is < 0 or > 100 || DiskFreeRedPercent is < 0 or > 100)
        {
            errors.Add($"health.diskFreeAmberPercent and health.diskFreeRedPercent must be between 0 and 100, not {DiskFreeAmberPercent} and {DiskFreeRedPercent}.");
        }
        else if (DiskFreeRedPercent > 0 && DiskFreeAmberPercent > 0 && DiskFreeRedPercent > DiskFreeAmberPercent)
        {
            errors.Add($"health.diskFreeRedPercent ({DiskFreeRedPercent}) must not be above health.diskFreeAmberPercent ({DiskFreeAmberPercent}).");
        }
        foreach (var (name, level) in new[] { ("failedUnits", FailedUnits), ("rebootRequired", RebootRequired),
            ("pendingSecurityUpdates", PendingSecurityUpdates), ("onAccessOff", OnAccessOff), ("firewallFailed", FirewallFailed),
            ("firewallDrifted", FirewallDrifted) })
        {
            if (!Enum.IsDefined(level))
            {
                errors.Add($"health.{name} must be green, amber or red, not {(int)level}.");
            }
        }
        return errors;
    }

    private static void Pair(List<string> errors, string name, string unit, int amber, int red, int max)
    {
        if (amber < 0 || amber > max || red < 0 || red > max)
        {
            errors.Add($"health.{name}Amber{unit} and health.{name}Red{unit} must be between 0 (off) and {max}, not {amber} and {red}.");
        }
        else if (amber > 0 && red > 0 && amber > red)
        {
            errors.Add($"health.{name}Amber{unit} ({amber}) must not be above health.{name}Red{unit} ({red}).");
        }
    }
}
