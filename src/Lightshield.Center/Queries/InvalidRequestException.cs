namespace Lightshield.Center.Queries;

/// <summary>A filter, page or command the center refuses; the message says what to fix. The REST API answers it as
/// 400 (one filter on the API group), the console shows the message: both from the same check.</summary>
public sealed class InvalidRequestException : Exception
{
    public InvalidRequestException()
    {
    }

    public InvalidRequestException(string message)
        : base(message)
    {
    }

    public InvalidRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Throws with every non-null problem, in order, when there is one.</summary>
    public static void ThrowIfAny(params string?[] problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var found = problems.OfType<string>().ToList();
        if (found.Count > 0)
        {
            throw new InvalidRequestException(string.Join(" ", found));
        }
    }
}
