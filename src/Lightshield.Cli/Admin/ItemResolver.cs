using System.Text.Json;

namespace Lightshield.Cli.Admin;

/// <summary>Turns what a person typed for an item (<see cref="ItemKind"/>) into its id: a GUID is taken as it is; another id
/// (a version number) or a name
/// must match exactly one item of the list (without regard to case); for items without names, the start of an id
/// (at least four characters) must match exactly one. No match, or several, is an <see cref="AdminException"/> that
/// says which items were meant. Each list is fetched once per resolver, however many names are looked up in it.</summary>
public sealed class ItemResolver(CenterApiClient api)
{
    private const int ShortestIdPrefix = 4;
    private readonly Dictionary<string, List<JsonElement>> _lists = new(StringComparer.Ordinal);

    public async Task<string> ResolveAsync(ItemKind kind, string typed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var text = typed?.Trim() ?? "";
        if (text.Length == 0)
        {
            throw new AdminException($"no {kind.Noun} given: name {kind.Accepts}");
        }
        if (Guid.TryParse(text, out var id))
        {
            return id.ToString();
        }
        if (!_lists.TryGetValue(kind.ListPath, out var items))
        {
            items = Items(await api.GetAsync(kind.ListPath, cancellationToken).ConfigureAwait(false));
            _lists[kind.ListPath] = items;
        }
        var matches = items.Where(item => Text(item, kind.IdField) is { } itemId && string.Equals(itemId, text, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 0)
        {
            matches = [.. items.Where(item => kind.NameFields.Any(field => Text(item, field) is { } name && string.Equals(name, text, StringComparison.OrdinalIgnoreCase)))];
        }
        if (matches.Count == 0 && kind.NameFields.Length == 0 && text.Length >= ShortestIdPrefix)
        {
            matches = [.. items.Where(item => Text(item, kind.IdField) is { } itemId && itemId.StartsWith(text, StringComparison.OrdinalIgnoreCase))];
        }
        return matches.Count switch
        {
            1 => Text(matches[0], kind.IdField)!,
            0 => throw new AdminException($"no {kind.Noun} '{text}' (give {kind.Accepts}; `lightshield {Command(kind)} list` shows them)"),
            _ => throw new AdminException($"'{text}' names {matches.Count} {kind.Noun}s ({string.Join(", ", matches.Take(5).Select(m => Text(m, kind.IdField)))}): give the id"),
        };
    }

    public async Task<string[]> ResolveAllAsync(ItemKind kind, IEnumerable<string>? typed, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        foreach (var one in typed ?? [])
        {
            ids.Add(await ResolveAsync(kind, one, cancellationToken).ConfigureAwait(false));
        }
        return [.. ids];
    }

    private static List<JsonElement> Items(JsonElement list) => list.ValueKind switch
    {
        JsonValueKind.Array => [.. list.EnumerateArray()],
        JsonValueKind.Object when list.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array => [.. items.EnumerateArray()],
        _ => [],
    };

    private static string? Text(JsonElement item, string field) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(field, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    private static string Command(ItemKind kind) => kind.ListPath.Split('?')[0].Replace('/', ' ') switch
    {
        "agent-groups" => "groups",
        "updates versions" => "updates",
        var other => other,
    };
}
