using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary>Where the center is and how to authenticate: the options first, then <c>LIGHTSHIELD_CENTER</c> /
/// <c>LIGHTSHIELD_TOKEN</c>, then the stored login. A stored token is only ever sent to the center it came from.</summary>
public sealed record CenterConnection(Uri Center, string? Token, string? CertificateSha256)
{
    public const string CenterVariable = "LIGHTSHIELD_CENTER";
    public const string TokenVariable = "LIGHTSHIELD_TOKEN";

    public static CenterConnection Resolve(ParseResult parse, AdminOptions options, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var stored = StoredLogin.Load(environment.ConfigPath);
        var centerText = parse.GetValue(options.Center) ?? NonEmpty(environment.GetVariable(CenterVariable)) ?? stored?.Center
            ?? throw new AdminException($"no center: pass --center URL, set {CenterVariable}, or run lightshield login");
        var center = ParseCenter(centerText);
        var sameCenter = stored is not null && ParseCenter(stored.Center) == center;
        var token = parse.GetValue(options.Token)
            ?? NonEmpty(environment.GetVariable(TokenVariable)) ?? (sameCenter ? stored!.Token : null);
        var pin = parse.GetValue(options.CenterCertSha256) ?? (sameCenter ? stored!.CenterCertSha256 : null);
        return new CenterConnection(center, token, pin);
    }

    /// <summary>The center's base URL (scheme, host, port; any path is kept as a prefix).</summary>
    public static Uri ParseCenter(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new AdminException($"--center {text}: not an http:// or https:// URL");
        }
        return new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
