using System.Text.Json;

namespace Lightshield.Center.Events;

/// <summary>What a person reads first in an event, taken from its payload: the file's path, the threat names and the
/// action the agent took (<c>taken</c>; else the <c>action</c> asked for). Absent fields are null; the payload stays
/// whole beside them.</summary>
public sealed record EventDetails(string? Path, IReadOnlyList<string> Names, string? Action)
{
    public static readonly EventDetails None = new(null, [], null);

    public static EventDetails Of(string payloadJson)
    {
        try
        {
            using var document = JsonDocument.Parse(payloadJson);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return None;
            }
            var names = root.TryGetProperty("names", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!).ToList()
                : [];
            return new EventDetails(Text(root, "path"), names, Text(root, "taken") ?? Text(root, "action"));
        }
        catch (JsonException)
        {
            return None;
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
