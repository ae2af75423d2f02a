using System.Globalization;

namespace Lightshield.Cli.Admin;

/// <summary>A URL query string from the parameters that have a value (<c>?a=1&amp;b=x</c>, or empty).</summary>
public static class QueryString
{
    public static string Of(params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var pairs = parameters.Where(p => p.Value is not null and not "")
            .Select(p => $"{p.Name}={Uri.EscapeDataString(Text(p.Value!))}").ToList();
        return pairs.Count == 0 ? "" : "?" + string.Join('&', pairs);
    }

    private static string Text(object value) => value is DateTimeOffset time
        ? time.ToString("o", CultureInfo.InvariantCulture)
        : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}
