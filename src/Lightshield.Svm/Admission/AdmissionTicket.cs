namespace Lightshield.Svm.Admission;

/// <summary>A held scan slot; disposing it passes the slot to the next waiter.</summary>
public readonly struct AdmissionTicket(AdmissionController owner, long startTimestamp) : IDisposable
{
    public void Dispose() => owner.Exit(startTimestamp);
}
