using System.Text.Json;

namespace Lightshield.Center.WebConsole;

/// <summary>One line for an agent event: its string and number fields, <c>key=value</c>, in the order the agent sent them.</summary>
internal static class EventSummary
{
    public static string Of(string payloadJson)
    {
        try
        {
            using var document = JsonDocument.Parse(payloadJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return payloadJson;
            }
            var parts = document.RootElement.EnumerateObject()
                .Where(p => p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Array)
                .Select(p => $"{p.Name}={(p.Value.ValueKind == JsonValueKind.Array ? string.Join(",", p.Value.EnumerateArray()) : p.Value.ToString())}");
            return string.Join("  ", parts);
        }
        catch (JsonException)
        {
            return payloadJson;
        }
    }
}
