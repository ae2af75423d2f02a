namespace Lightshield.Protocol.Center;

/// <summary>The shape of a site (data center) name, as scan-server tokens, scan servers (<c>Svm:Site</c>) and the
/// provider's view use it: short, lower case, nothing that could smuggle markup or paths (decision 50).</summary>
public static class SiteNames
{
    /// <summary>The site of a single-site deployment, and of scan servers older than sites.</summary>
    public const string Default = "default";

    public const int MaxLength = 63;

    public const string Rule = "1 to 63 lower-case letters, digits, '-', '_' or '.'";

    public static bool IsValid(string? value) =>
        value is { Length: > 0 and <= MaxLength } && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.');
}
