using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lightshield.Cli.Admin;

/// <summary>An inventory export from a cloud platform, as the center's import takes it: CSV with the header
/// <c>instance_id,tenant,vcpus</c>, or JSON (an array of <c>{instanceId, tenant, vcpus}</c>). Checked here only for
/// shape: the center checks every value and reports every problem at once.</summary>
public static class InventoryFile
{
    private static readonly string[] CsvHeader = ["instance_id", "tenant", "vcpus"];

    /// <summary>The import request body (<c>{"instances": [...]}</c>).</summary>
    /// <exception cref="AdminException">The file is neither such a CSV nor such JSON.</exception>
    public static string ToRequest(string path, string text)
    {
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        var instances = trimmed.StartsWith('[') ? FromJson(path, trimmed) : FromCsv(path, trimmed);
        return new JsonObject { ["instances"] = instances }.ToJsonString();
    }

    private static JsonArray FromJson(string path, string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonArray ?? throw new AdminException($"{path}: expected a JSON array of instances.");
        }
        catch (JsonException e)
        {
            throw new AdminException($"{path}: not valid JSON ({e.Message}).");
        }
    }

    private static JsonArray FromCsv(string path, string text)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0 || !lines[0].Split(',').Select(h => h.Trim().ToLowerInvariant()).SequenceEqual(CsvHeader))
        {
            throw new AdminException($"{path}: expected a CSV whose first line is '{string.Join(',', CsvHeader)}', or a JSON array.");
        }
        var instances = new JsonArray();
        for (var index = 1; index < lines.Count; index++)
        {
            var fields = lines[index].Split(',').Select(f => f.Trim()).ToArray();
            if (fields.Length != CsvHeader.Length)
            {
                throw new AdminException($"{path}, line {index + 1}: expected {CsvHeader.Length} fields, found {fields.Length}.");
            }
            instances.Add(new JsonObject
            {
                ["instanceId"] = fields[0],
                ["tenant"] = fields[1],
                ["vcpus"] = int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var vcpus) ? vcpus : null,
            });
        }
        return instances;
    }
}
