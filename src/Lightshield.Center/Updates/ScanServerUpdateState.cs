using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Updates;

/// <summary>What a scan server last reported about its updates (one row per server, replaced at each check).
/// Provider infrastructure.</summary>
public sealed class ScanServerUpdateState : IProviderInfrastructure
{
    public required string ServerId { get; set; }

    /// <summary>The center version it runs; null when it runs a database of its own.</summary>
    public long? RunningVersionId { get; set; }

    /// <summary>When it first reported running <see cref="RunningVersionId"/> (the canary soak counts from here).</summary>
    public DateTimeOffset? RunningSince { get; set; }

    /// <summary>The version it was told to run at its last check.</summary>
    public long? TargetVersionId { get; set; }

    /// <summary><see cref="ScanServerUpdateStates"/>.</summary>
    public required string State { get; set; }

    /// <summary>The version its last failure was about, and why (a refused download, an engine that did not load).</summary>
    public long? FailedVersionId { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset LastCheckAt { get; set; }
}

public static class ScanServerUpdateStates
{
    public const string Current = "current";
    public const string Downloading = "downloading";
    public const string Failed = "failed";
}
