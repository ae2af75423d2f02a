using Lightshield.Protocol.Center;
using Lightshield.Protocol.Policies;

namespace Lightshield.Center.Health;

/// <summary>What the center accepts in a <see cref="HealthReport"/>. An agent is a tenant's program on a tenant's VM and
/// may send anything: values no real VM can have (negative sizes, more free than total, times far in the future, lists
/// longer than the agent ever sends, names longer than a path) refuse the sync with every problem named, and free text is
/// cut to its column.</summary>
public static class HealthReportLimits
{
    /// <summary>The agent sends at most 64 (<c>FileSystemUsage.MaxReported</c>).</summary>
    public const int MaxFileSystems = 64;

    public const int MaxFailedUnits = 32;

    public const int MaxMountPoint = 1024;

    public const int MaxUnitName = 256;

    public const int MaxFileSystemType = 64;

    public const int MaxText = 500;

    public const int MaxFileSystemsJson = 100_000;

    public const int MaxFailedUnitsJson = 10_000;

    /// <summary>A counter per policy rule (at most 2,000, <c>FirewallValidation.MaxRules</c>), plus the two default actions.</summary>
    public const int MaxFirewallCounters = 2_000 + 2;

    /// <summary>Rule names are at most 64 characters; the defaults are named "default inbound" and "default outbound".</summary>
    public const int MaxFirewallRuleName = 64;

    public const int MaxFirewallCountersJson = 250_000;

    /// <summary>Rules a VM left out, each "rule "name": reason".</summary>
    public const int MaxFirewallLeftOut = 64;

    public const int MaxFirewallLeftOutText = 300;

    public const int MaxFirewallLeftOutJson = 25_000;

    /// <summary>The agent reports its top five peers per rule, in monitor mode, for deny and reject rules only.</summary>
    public const int MaxTalkersPerRule = 5;

    /// <summary>Talkers in one report, all rules together: the console shows a rollout's main offenders, not a flow log.</summary>
    public const int MaxTalkers = 200;

    private const long TenYearsMs = 10L * 366 * 24 * 3600 * 1000;

    /// <summary>Every problem with <paramref name="report"/> received at <paramref name="now"/>; empty when it can be stored.</summary>
    public static IReadOnlyList<string> Problems(HealthReport report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        var errors = new List<string>();
        if (report.UptimeSeconds < 0)
        {
            errors.Add($"uptime_seconds is negative ({report.UptimeSeconds})");
        }
        Space(errors, "disk", report.DiskTotalBytes, report.DiskFreeBytes);
        var latest = now.AddDays(1).ToUnixTimeMilliseconds();
        if (OnCenterClock(report.LastFullScanUnixMs, report) is < 0 || OnCenterClock(report.LastFullScanUnixMs, report) > latest)
        {
            errors.Add($"last_full_scan_unix_ms {report.LastFullScanUnixMs} is not a time up to a day from now");
        }
        if (OnCenterClock(report.LastMemoryScanUnixMs, report) is < 0 || OnCenterClock(report.LastMemoryScanUnixMs, report) > latest)
        {
            errors.Add($"last_memory_scan_unix_ms {report.LastMemoryScanUnixMs} is not a time up to a day from now");
        }
        if (report.DatabaseAgeSeconds < -1 || report.DatabaseAgeSeconds > TenYearsMs / 1000)
        {
            errors.Add($"database_age_seconds {report.DatabaseAgeSeconds} is out of range (-1 = unknown, at most ten years)");
        }
        if (report.FileSystems.Count > MaxFileSystems)
        {
            errors.Add($"file_systems has {report.FileSystems.Count} entries; at most {MaxFileSystems}");
        }
        else
        {
            foreach (var fileSystem in report.FileSystems)
            {
                if (fileSystem.MountPoint.Length is 0 or > MaxMountPoint || !fileSystem.MountPoint.StartsWith('/'))
                {
                    errors.Add($"file_systems has a mount point that is not an absolute path of at most {MaxMountPoint} characters");
                    break;
                }
                if (fileSystem.Type.Length > MaxFileSystemType)
                {
                    errors.Add($"file_systems has a type longer than {MaxFileSystemType} characters");
                    break;
                }
                if (!Space(errors, $"file system {Short(fileSystem.MountPoint)}", fileSystem.TotalBytes, fileSystem.FreeBytes))
                {
                    break;
                }
            }
        }
        Count(errors, "pending_updates", report.PendingUpdates);
        Count(errors, "pending_security_updates", report.PendingSecurityUpdates);
        if (report.PendingSecurityUpdates > report.PendingUpdates && report.PendingUpdates >= 0)
        {
            errors.Add($"pending_security_updates ({report.PendingSecurityUpdates}) is more than pending_updates ({report.PendingUpdates})");
        }
        Count(errors, "failed_units_count", report.FailedUnitsCount);
        if (report.FailedUnits.Count > MaxFailedUnits)
        {
            errors.Add($"failed_units has {report.FailedUnits.Count} names; at most {MaxFailedUnits}");
        }
        else if (report.FailedUnits.Any(u => u.Length is 0 or > MaxUnitName))
        {
            errors.Add($"failed_units has an empty name or one longer than {MaxUnitName} characters");
        }
        if (report.FailedUnits.Count > Math.Max(report.FailedUnitsCount, 0))
        {
            errors.Add($"failed_units names {report.FailedUnits.Count} units but failed_units_count is {report.FailedUnitsCount}");
        }
        if (report.ClockSkewMs is < -TenYearsMs or > TenYearsMs)
        {
            errors.Add($"clock_skew_ms {report.ClockSkewMs} is more than ten years");
        }
        Firewall(errors, report);
        return errors;
    }

    /// <summary>A time the agent read on its own clock, on the center's: a VM whose clock runs days ahead still reports
    /// (and its skew shows red) instead of having its scans refused as being in the future. 0 (never) stays 0.</summary>
    public static long OnCenterClock(long agentUnixMs, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return agentUnixMs <= 0 || agentUnixMs > long.MaxValue / 2 || !report.ClockSkewKnown || report.ClockSkewMs is < -TenYearsMs or > TenYearsMs
            ? agentUnixMs
            : agentUnixMs - report.ClockSkewMs;
    }

    private static void Firewall(List<string> errors, HealthReport report)
    {
        if (report.FirewallState.Length > 0 && !FirewallNames.States.Contains(report.FirewallState))
        {
            errors.Add($"firewall_state \"{Short(report.FirewallState)}\" is not off, monitor, enforcing, drifted or failed");
        }
        if (report.FirewallRulesSha256.Length > 0 && (report.FirewallRulesSha256.Length != 64 || !report.FirewallRulesSha256.All(char.IsAsciiHexDigitLower)))
        {
            errors.Add("firewall_rules_sha256 is not a SHA-256 in lower-case hex");
        }
        if (report.FirewallRepairs < 0)
        {
            errors.Add($"firewall_repairs is negative ({report.FirewallRepairs})");
        }
        if (report.FirewallCounters.Count > MaxFirewallCounters)
        {
            errors.Add($"firewall_counters has {report.FirewallCounters.Count} entries; at most {MaxFirewallCounters}");
        }
        else if (report.FirewallCounters.Any(c => c.Rule.Length is 0 or > MaxFirewallRuleName || c.Packets < 0 || c.Bytes < 0))
        {
            errors.Add($"firewall_counters has a rule name that is empty or longer than {MaxFirewallRuleName} characters, or a negative count");
        }
        Talkers(errors, report);
        if (report.FirewallLeftOut.Count > MaxFirewallLeftOut || report.FirewallLeftOut.Any(r => r.Length is 0 or > MaxFirewallLeftOutText))
        {
            errors.Add($"firewall_left_out has more than {MaxFirewallLeftOut} entries, or one that is empty or longer than {MaxFirewallLeftOutText} characters");
        }
    }

    private static void Talkers(List<string> errors, HealthReport report)
    {
        var total = 0;
        foreach (var counter in report.FirewallCounters)
        {
            total += counter.Talkers.Count;
            if (counter.Talkers.Count > MaxTalkersPerRule)
            {
                errors.Add($"firewall_counters \"{Short(counter.Rule)}\" has {counter.Talkers.Count} talkers; at most {MaxTalkersPerRule}");
                return;
            }
            if (counter.Talkers.FirstOrDefault(t => !IsAddress(t.Address) || t.Packets < 0 || t.Bytes < 0) is { } bad)
            {
                errors.Add($"firewall_counters \"{Short(counter.Rule)}\" has a talker \"{Short(bad.Address)}\" that is not an IP address, or a negative count");
                return;
            }
        }
        if (total > MaxTalkers)
        {
            errors.Add($"firewall_counters has {total} talkers in all; at most {MaxTalkers}");
        }
    }

    /// <summary>An IPv4 or IPv6 address as the agent writes it: no host names, ports or scope ids.</summary>
    private static bool IsAddress(string text) =>
        text.Length is > 0 and <= 39 && System.Net.IPAddress.TryParse(text, out var address) && address.ToString() == text
        && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork || address.ScopeId == 0);

    private static bool Space(List<string> errors, string what, long total, long free)
    {
        if (total < 0 || free < 0 || free > total)
        {
            errors.Add($"{what}: total {total} and free {free} bytes are not sizes with free at most total");
            return false;
        }
        return true;
    }

    /// <summary>-1 = unknown; a million is beyond any package set or unit list.</summary>
    private static void Count(List<string> errors, string field, int value)
    {
        if (value is < -1 or > 1_000_000)
        {
            errors.Add($"{field} {value} is out of range (-1 = unknown, at most 1000000)");
        }
    }

    private static string Short(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
