namespace Lightshield.Center.Identity;

/// <summary>Claim types the bearer-token handler issues.</summary>
public static class CenterClaims
{
    public const string UserId = "lightshield:user";
    public const string TenantId = "lightshield:tenant";
    public const string TokenId = "lightshield:token";
}
