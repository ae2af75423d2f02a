using Lightshield.Protocol.Center;

namespace Lightshield.Agent.Health;

/// <summary>The OS-health fields of a <see cref="HealthReport"/> (11-19, 30+), from a snapshot.</summary>
public static class HealthReportWire
{
    public static HealthReport WithOsHealth(this HealthReport report, HealthSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(snapshot);
        report.LastFullScanUnixMs = snapshot.LastFullScanAt?.ToUnixTimeMilliseconds() ?? 0;
        report.LastMemoryScanUnixMs = snapshot.LastMemoryScanAt?.ToUnixTimeMilliseconds() ?? 0;
        report.DatabaseAgeSeconds = snapshot.DatabaseTime is { } built ? Math.Max(0, (long)(snapshot.TakenAt - built).TotalSeconds) : -1;
        report.FileSystems.AddRange(snapshot.FileSystems.Select(f => new FileSystemReport
        {
            MountPoint = f.MountPoint,
            Type = f.Type,
            TotalBytes = f.TotalBytes,
            FreeBytes = f.FreeBytes,
        }));
        report.PendingUpdates = snapshot.PendingUpdates.Updates;
        report.PendingSecurityUpdates = snapshot.PendingUpdates.SecurityUpdates;
        report.UpdateManager = snapshot.PendingUpdates.Manager;
        report.FailedUnitsCount = snapshot.FailedUnits?.Count ?? -1;
        report.FailedUnits.AddRange((snapshot.FailedUnits ?? []).Take(FailedUnits.MaxNames));
        report.RebootRequired = snapshot.RebootRequired;
        report.ClockSkewKnown = snapshot.ClockSkew is not null;
        report.ClockSkewMs = (long)(snapshot.ClockSkew?.TotalMilliseconds ?? 0);
        report.OnAccessConfigured = snapshot.OnAccessEnabled;
        report.OnAccessFailure = snapshot.OnAccessFailure ?? "";
        return report;
    }
}
