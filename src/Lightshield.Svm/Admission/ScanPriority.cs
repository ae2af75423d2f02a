namespace Lightshield.Svm.Admission;

/// <summary>Admission classes, served strictly in this order. Values match the wire enum and are frozen.</summary>
public enum ScanPriority
{
    OnAccess = 1,
    OnDemand = 2,
    Scheduled = 3,
}
