using System.Globalization;
using System.Text.Json;

namespace Lightshield.Cli.Admin;

/// <summary>One column of a table: a header and the JSON property it shows (a dotted path such as
/// <c>progress.agents</c> reaches into objects). <paramref name="Wrap"/>: long values wrap (paths) instead of widening the
/// table past the screen.</summary>
public sealed record Column(string Header, string Property, bool Wrap = false)
{
    /// <summary>The property's value as a table shows it: times in UTC to the second, null as <c>-</c>, lists joined, an object
    /// (counts by state) as <c>name value, name value</c>.</summary>
    public string Cell(JsonElement row)
    {
        var value = row;
        foreach (var name in Property.Split('.'))
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(name, out value))
            {
                return "-";
            }
        }
        return Format(value);
    }

    public static string Format(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "-",
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.String => FormatText(value.GetString()!),
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(Format)),
        JsonValueKind.Object => string.Join(", ", value.EnumerateObject().Select(p => $"{p.Name} {Format(p.Value)}")),
        _ => value.GetRawText(),
    };

    private static string FormatText(string text) =>
        text.Length >= 20 && text[10] == 'T'
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
            ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : text;
}
