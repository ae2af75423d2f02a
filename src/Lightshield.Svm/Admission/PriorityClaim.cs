namespace Lightshield.Svm.Admission;

/// <summary>The class the server gave a request (<see cref="OnAccessRation.Claim"/>); disposing it returns an honoured
/// on-access claim to the tenant's ration.</summary>
public sealed class PriorityClaim : IDisposable
{
    private OnAccessRation? _ration;

    internal PriorityClaim(ScanPriority priority, OnAccessRation? ration, string tenant)
    {
        Priority = priority;
        Tenant = tenant;
        _ration = ration;
    }

    public ScanPriority Priority { get; }

    public string Tenant { get; }

    public void Dispose() => Interlocked.Exchange(ref _ration, null)?.Release(Tenant);
}
