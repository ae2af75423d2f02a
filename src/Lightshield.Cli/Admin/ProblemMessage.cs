using System.Net;
using System.Text;
using System.Text.Json;

namespace Lightshield.Cli.Admin;

/// <summary>Turns the center's problem-details answer into one clear message:
/// <c>There is no agent group ... (404)</c>, each validation error on its own line.</summary>
public static class ProblemMessage
{
    public static string From(HttpStatusCode status, string body, bool hadToken)
    {
        var code = (int)status;
        var (detail, errors) = Parse(body);
        if (status == HttpStatusCode.Unauthorized)
        {
            var why = hadToken ? "not logged in or token expired" : "not logged in";
            return $"{why}: run lightshield login (or pass --token){(detail is null ? "" : $" — the center said: {detail}")} ({code})";
        }
        var message = new StringBuilder(detail ?? $"the center answered {code} {status}");
        message.Append(" (").Append(code).Append(')');
        foreach (var error in errors)
        {
            message.Append('\n').Append("  - ").Append(error);
        }
        return message.ToString();
    }

    /// <summary>The problem's <c>type</c>, or null.</summary>
    public static string? TypeOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object ? Text(document.RootElement, "type") : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static (string? Detail, List<string> Errors) Parse(string body)
    {
        var errors = new List<string>();
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, errors);
            }
            if (root.TryGetProperty("errors", out var fields) && fields.ValueKind == JsonValueKind.Object)
            {
                errors.AddRange(fields.EnumerateObject().SelectMany(field => field.Value.EnumerateArray())
                    .Select(error => error.GetString()).OfType<string>());
            }
            // A validation problem's detail repeats its errors: then the title reads better above the list.
            var detail = errors.Count > 0 ? Text(root, "title") : Text(root, "detail") ?? Text(root, "title");
            return (detail, errors);
        }
        catch (JsonException)
        {
            return (string.IsNullOrWhiteSpace(body) || body.Length > 500 ? null : body.Trim(), errors);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
