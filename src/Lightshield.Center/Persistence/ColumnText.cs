namespace Lightshield.Center.Persistence;

/// <summary>Cuts text reported by agents to the length of the column (or answer field) it goes into.</summary>
internal static class ColumnText
{
    /// <summary><paramref name="value"/>, or its first <paramref name="length"/> characters; empty for null.</summary>
    public static string Fit(string? value, int length) =>
        value is null ? "" : value.Length <= length ? value : value[..length];
}
