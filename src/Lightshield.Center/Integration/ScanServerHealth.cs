namespace Lightshield.Center.Integration;

/// <summary>The down rule: a scan server is down when its last heartbeat is older than the threshold (30 s by default).</summary>
public static class ScanServerHealth
{
    public static bool IsDown(DateTimeOffset lastSeenAt, DateTimeOffset now, TimeSpan downAfter) => now - lastSeenAt > downAfter;
}
