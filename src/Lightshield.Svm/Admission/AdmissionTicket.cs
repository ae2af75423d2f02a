namespace Lightshield.Svm.Admission;

/// <summary>A held scan slot of <paramref name="tenant"/>; disposing it passes the slot to the next waiter.</summary>
public readonly struct AdmissionTicket(AdmissionController owner, string tenant, long startTimestamp) : IDisposable
{
    public void Dispose() => owner.Exit(tenant, startTimestamp);
}
