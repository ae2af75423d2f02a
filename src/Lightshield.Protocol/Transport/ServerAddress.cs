namespace Lightshield.Protocol.Transport;

/// <summary>Which addresses Lightshield dials or hands out: <c>https://</c> anywhere, plain <c>http://</c> only on
/// loopback (one machine). The agent applies it to its configuration and to every assignment, the scan server to its
/// center, the center to the address a scan server announces.</summary>
public static class ServerAddress
{
    public static bool IsAcceptable(Uri? address) =>
        address is { IsAbsoluteUri: true } && (address.Scheme == Uri.UriSchemeHttps || (address.Scheme == Uri.UriSchemeHttp && address.IsLoopback));

    /// <summary>Parses an address the center sent; null when it is not acceptable.</summary>
    public static Uri? ParseAcceptable(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var address) && IsAcceptable(address) ? address : null;
}
