namespace Lightshield.Agent.Configuration;

/// <summary>Which addresses the agent dials: <c>https://</c> anywhere, plain <c>http://</c> only on loopback (one
/// machine). Applied to its configuration and to every scan-server assignment the center sends.</summary>
public static class ServerAddress
{
    public static bool IsAcceptable(Uri? address) =>
        address is { IsAbsoluteUri: true } && (address.Scheme == Uri.UriSchemeHttps || (address.Scheme == Uri.UriSchemeHttp && address.IsLoopback));

    /// <summary>Parses an address the center sent; null when it is not acceptable.</summary>
    public static Uri? ParseAcceptable(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var address) && IsAcceptable(address) ? address : null;
}
