namespace Lightshield.Agent.OnAccess;

/// <summary>Whether on-access protection is configured and whether it runs now, for health reports.</summary>
public sealed class OnAccessStatus
{
    private volatile FanotifyGuard? _guard;

    /// <summary>On-access protection is configured (<see cref="OnAccessOptions.Enabled"/>).</summary>
    public bool Enabled { get; internal set; }

    /// <summary>The kernel intercepts opens now. False when disabled, not started, or failed (see <see cref="Failure"/>).</summary>
    public bool IsActive => _guard?.IsRunning ?? false;

    /// <summary>Why protection is enabled but not active, when it could not start.</summary>
    public string? Failure { get; internal set; }

    /// <summary>The guard's counters, or null when it does not run.</summary>
    public OnAccessStatistics? Statistics => _guard?.Statistics;

    internal void Attach(FanotifyGuard? guard) => _guard = guard;
}
