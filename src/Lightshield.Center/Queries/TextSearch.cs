namespace Lightshield.Center.Queries;

/// <summary>The rule for a free-text search: at most <see cref="MaxLength"/> characters. A longer one is refused with a
/// clear message (never cut silently: a cut search finds rows the person did not ask for).</summary>
public static class TextSearch
{
    public const int MaxLength = 200;

    /// <summary>Null or empty means "no search"; otherwise the text as given, or a problem.</summary>
    public static string? Problem(string field, string? text) =>
        text is { Length: > MaxLength } ? $"'{field}' must have at most {MaxLength} characters." : null;
}
