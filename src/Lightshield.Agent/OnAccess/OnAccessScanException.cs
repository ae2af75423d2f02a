namespace Lightshield.Agent.OnAccess;

/// <summary>No verdict could be had for an opened file (unreadable, changed while read, refused by the scan server):
/// the guard answers the open with the path's fail policy.</summary>
public sealed class OnAccessScanException : Exception
{
    public OnAccessScanException()
    {
    }

    public OnAccessScanException(string message) : base(message)
    {
    }

    public OnAccessScanException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
