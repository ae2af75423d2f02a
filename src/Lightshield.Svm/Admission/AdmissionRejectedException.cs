namespace Lightshield.Svm.Admission;

/// <summary>The scan server is full for this priority class; the caller should retry after <see cref="RetryAfter"/>.</summary>
public sealed class AdmissionRejectedException(ScanPriority priority, TimeSpan retryAfter, string reason)
    : Exception($"Scan server busy ({priority}): {reason}. Retry after {retryAfter.TotalMilliseconds:0} ms.")
{
    public ScanPriority Priority { get; } = priority;

    public TimeSpan RetryAfter { get; } = retryAfter;
}
