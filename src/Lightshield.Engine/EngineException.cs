namespace Lightshield.Engine;

/// <summary>The engine could not be set up: invalid options, a missing or malformed signature database, no
/// signatures, or libclamav refused. Never thrown for the content being scanned (that yields a verdict).</summary>
public sealed class EngineException : Exception
{
    public EngineException()
    {
    }

    public EngineException(string message)
        : base(message)
    {
    }

    public EngineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
