using System.Globalization;
using Lightshield.Protocol.Policies;

namespace Lightshield.Center.Health;

/// <summary>One finding: which check, how bad, and what the tenant reads.</summary>
public sealed record HealthReason(HealthLevel Level, string Check, string Message);

/// <summary>An agent's health judged against its group's thresholds: the worst level found, and every reason that is
/// not green (none when green).</summary>
public sealed record HealthAssessment(HealthLevel Level, IReadOnlyList<HealthReason> Reasons);

/// <summary>What the evaluation reads about one agent: when it enrolled, when it was last seen, and its last report
/// (null before the first).</summary>
public sealed record HealthFacts(DateTimeOffset EnrolledAt, DateTimeOffset? LastSeenAt, AgentHealth? Report, IReadOnlyList<FileSystemHealth> FileSystems);

/// <summary>Turns an agent's health report into green, amber or red with the reasons, against the thresholds of its
/// group's policy. Pure: the same facts, thresholds and time give the same answer.</summary>
public static class HealthEvaluation
{
    public static HealthAssessment Evaluate(HealthFacts facts, HealthThresholds thresholds, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(thresholds);
        var reasons = new List<HealthReason>();
        if (facts.LastSeenAt is { } seen)
        {
            Older(reasons, "silent", now - seen, TimeSpan.FromMinutes(thresholds.SilentAmberMinutes), TimeSpan.FromMinutes(thresholds.SilentRedMinutes),
                age => $"no contact for {Span(age)}");
        }
        if (facts.Report is not { } report)
        {
            reasons.Add(new HealthReason(HealthLevel.Amber, "report", "no health report yet"));
            return Assess(reasons);
        }
        if (!report.OnAccessConfigured || !report.OnAccessActive)
        {
            Flag(reasons, "on-access", thresholds.OnAccessOff, !report.OnAccessConfigured ? "on-access protection is off in the policy"
                : report.OnAccessFailure.Length > 0 ? $"on-access protection is not running: {report.OnAccessFailure}" : "on-access protection is not running");
        }
        Older(reasons, "full-scan", now - (report.LastFullScanAt ?? facts.EnrolledAt), TimeSpan.FromDays(thresholds.FullScanAmberDays),
            TimeSpan.FromDays(thresholds.FullScanRedDays), age => report.LastFullScanAt is null ? $"no full scan since enrolment {Span(age)} ago" : $"last full scan {Span(age)} ago");
        Older(reasons, "memory-scan", now - (report.LastMemoryScanAt ?? facts.EnrolledAt), TimeSpan.FromDays(thresholds.MemoryScanAmberDays),
            TimeSpan.FromDays(thresholds.MemoryScanRedDays), age => report.LastMemoryScanAt is null ? $"no memory scan since enrolment {Span(age)} ago" : $"last memory scan {Span(age)} ago");
        if (report.DatabaseAgeSeconds is { } databaseAge)
        {
            Older(reasons, "signatures", TimeSpan.FromSeconds(databaseAge), TimeSpan.FromHours(thresholds.DatabaseAgeAmberHours),
                TimeSpan.FromHours(thresholds.DatabaseAgeRedHours), age => $"the scan server's signature database is {Span(age)} old");
        }
        foreach (var fileSystem in facts.FileSystems)
        {
            var free = fileSystem.TotalBytes > 0 ? 100.0 * fileSystem.FreeBytes / fileSystem.TotalBytes : 100;
            var level = thresholds.DiskFreeRedPercent > 0 && free < thresholds.DiskFreeRedPercent ? HealthLevel.Red
                : thresholds.DiskFreeAmberPercent > 0 && free < thresholds.DiskFreeAmberPercent ? HealthLevel.Amber : HealthLevel.Green;
            Flag(reasons, "disk", level, string.Create(CultureInfo.InvariantCulture, $"{fileSystem.MountPoint} has {free:0.#} % free"));
        }
        if (report.FailedUnitsCount is > 0 and var failed)
        {
            var names = HealthJson.FailedUnits(report);
            Flag(reasons, "failed-units", thresholds.FailedUnits,
                $"{failed} failed systemd unit{(failed == 1 ? "" : "s")}{(names.Count > 0 ? ": " + string.Join(", ", names.Take(5)) : "")}{(failed > 5 ? ", …" : "")}");
        }
        if (report.RebootRequired)
        {
            Flag(reasons, "reboot", thresholds.RebootRequired, "a reboot is required");
        }
        if (report.PendingSecurityUpdates is > 0 and var security)
        {
            Flag(reasons, "updates", thresholds.PendingSecurityUpdates, $"{security} pending security update{(security == 1 ? "" : "s")}");
        }
        if (report.FirewallState == FirewallNames.Failed)
        {
            Flag(reasons, "firewall", thresholds.FirewallFailed, "the firewall policy could not be applied (see the agent's log)");
        }
        else if (report.FirewallState == FirewallNames.Drifted)
        {
            Flag(reasons, "firewall", thresholds.FirewallDrifted, "the firewall table was changed outside the agent and repaired");
        }
        if (report.ClockSkewMs is { } skew)
        {
            Older(reasons, "clock", TimeSpan.FromMilliseconds(Math.Abs(skew)), TimeSpan.FromSeconds(thresholds.ClockSkewAmberSeconds),
                TimeSpan.FromSeconds(thresholds.ClockSkewRedSeconds), age => $"the clock is {Span(age)} {(skew > 0 ? "ahead of" : "behind")} the center's");
        }
        return Assess(reasons);
    }

    private static HealthAssessment Assess(List<HealthReason> reasons) =>
        new(reasons.Count == 0 ? HealthLevel.Green : reasons.Max(r => r.Level), [.. reasons.OrderByDescending(r => r.Level)]);

    /// <summary>Amber past <paramref name="amber"/>, red past <paramref name="red"/>; a zero threshold is off.</summary>
    private static void Older(List<HealthReason> reasons, string check, TimeSpan value, TimeSpan amber, TimeSpan red, Func<TimeSpan, string> message)
    {
        var level = red > TimeSpan.Zero && value > red ? HealthLevel.Red
            : amber > TimeSpan.Zero && value > amber ? HealthLevel.Amber : HealthLevel.Green;
        Flag(reasons, check, level, level == HealthLevel.Green ? "" : message(value));
    }

    private static void Flag(List<HealthReason> reasons, string check, HealthLevel level, string message)
    {
        if (level != HealthLevel.Green)
        {
            reasons.Add(new HealthReason(level, check, message));
        }
    }

    /// <summary>A short human span: 45 s, 12 min, 5 h, 9 d.</summary>
    internal static string Span(TimeSpan span) => span switch
    {
        { TotalMinutes: < 2 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0} s"),
        { TotalHours: < 2 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0} min"),
        { TotalDays: < 2 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0} h"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{span.TotalDays:0} d"),
    };
}
