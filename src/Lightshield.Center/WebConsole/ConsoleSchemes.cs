using Lightshield.Center.Identity;
using Lightshield.Center.Integration;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Lightshield.Center.WebConsole;

/// <summary>Which authentication a request uses: the REST API (and gRPC) bearer tokens only, the console its cookie
/// only. The API never honours the cookie, so no other site can make a signed-in browser call it.</summary>
public static class ConsoleSchemes
{
    public const string Selector = "lightshield";
    public const string Cookie = CookieAuthenticationDefaults.AuthenticationScheme;

    public static string For(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Request.Path.StartsWithSegments("/api") || GrpcRequests.IsGrpc(context)
            ? ApiTokenAuthenticationHandler.SchemeName
            : Cookie;
    }
}
