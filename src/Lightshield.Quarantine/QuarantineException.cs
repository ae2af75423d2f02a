namespace Lightshield.Quarantine;

/// <summary>A quarantine operation failed: the file was not quarantined (and is still in place), or an item
/// could not be restored (wrong key, damaged or tampered item, target exists). The message says which.</summary>
public sealed class QuarantineException : Exception
{
    public QuarantineException()
    {
    }

    public QuarantineException(string message) : base(message)
    {
    }

    public QuarantineException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
