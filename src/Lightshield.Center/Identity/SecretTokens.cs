using System.Security.Cryptography;
using System.Text;

namespace Lightshield.Center.Identity;

/// <summary>Random bearer secrets (256 bits, URL-safe) and the SHA-256 stored in their place.</summary>
public static class SecretTokens
{
    /// <summary>Prefix of API tokens (users, automation).</summary>
    public const string ApiPrefix = "lsa_";

    /// <summary>Prefix of agent enrolment tokens.</summary>
    public const string EnrolmentPrefix = "lse_";

    public static string Create(string prefix) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>A password for the bootstrap administrator: 24 URL-safe characters.</summary>
    public static string CreatePassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
}
