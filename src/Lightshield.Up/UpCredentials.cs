using System.Security.Cryptography;
using System.Text.Json;

namespace Lightshield.Up;

/// <summary>The demo credentials of <c>lightshield up</c>, generated on first run and kept (0600) in the data directory
/// so later runs reuse the same users, tokens and agent enrolment.</summary>
internal sealed record UpCredentials
{
    public const string FileName = "up-credentials.json";
    public const string ProviderAdminUserName = "admin";
    public const string TenantName = "demo";
    public const string TenantAdminUserName = "demo-admin";
    public const string AgentGroupName = "demo-vms";

    public string ProviderAdminPassword { get; init; } = "";

    /// <summary>The tenant admin's password, as the center generated it when it created the tenant.</summary>
    public string? TenantAdminPassword { get; init; }

    public string? ScanServerToken { get; init; }

    public string? EnrolmentToken { get; init; }

    /// <summary>The demo tenant's secret that encrypts its quarantine private key (the center never stores it).</summary>
    public string? TenantSecret { get; init; }

    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, FileName);

    /// <summary>The saved credentials, or new ones (a random provider-admin password) when there are none yet.</summary>
    public static UpCredentials LoadOrCreate(string dataDirectory)
    {
        var path = PathIn(dataDirectory);
        if (File.Exists(path))
        {
            return JsonSerializer.Deserialize<UpCredentials>(File.ReadAllText(path), JsonSerializerOptions.Web)
                ?? throw new IOException($"{path} is empty.");
        }
        return new UpCredentials { ProviderAdminPassword = CreatePassword() };
    }

    /// <summary>Writes the file atomically with mode 0600.</summary>
    public void Save(string dataDirectory)
    {
        var path = PathIn(dataDirectory);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            JsonSerializer.Serialize(stream, this, JsonSerializerOptions.Web);
        }
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, path, overwrite: true);
    }

    private static string CreatePassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
}
