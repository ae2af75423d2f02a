namespace Lightshield.Cli.Admin;

/// <summary>An admin command failed for a reason the user can act on; the message is printed as <c>error: ...</c>.</summary>
public sealed class AdminException : Exception
{
    /// <summary>The <c>type</c> of the center's problem answer, when it had one (such as
    /// <c>urn:lightshield:password-change-required</c>).</summary>
    public string? ProblemType { get; init; }

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
