namespace Lightshield.Cli.Admin;

/// <summary>An admin command failed for a reason the user can act on; the message is printed as <c>error: ...</c>.</summary>
public sealed class AdminException : Exception
{
    public AdminException()
    {
    }

    public AdminException(string message) : base(message)
    {
    }

    public AdminException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
