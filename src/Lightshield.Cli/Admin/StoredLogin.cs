using System.Text.Json;

namespace Lightshield.Cli.Admin;

/// <summary>What <c>lightshield login</c> keeps in <c>cli.json</c> (mode 0600): the center and the bearer token.</summary>
public sealed record StoredLogin
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public required string Center { get; init; }

    public required string Token { get; init; }

    /// <summary>The token's id on the center, so that <c>logout</c> can revoke it; null when it could not be found.</summary>
    public Guid? TokenId { get; init; }

    public string? CenterCertSha256 { get; init; }

    public string? Tenant { get; init; }

    public required string User { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The stored login, or null when there is none.</summary>
    public static StoredLogin? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<StoredLogin>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException exception)
        {
            throw new AdminException($"{path} is not a stored login ({exception.Message}); remove it or run lightshield login", exception);
        }
    }

    /// <summary>Writes the file readable by its owner only: a temporary file created 0600, then renamed over the old one.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        File.Delete(temporary);
        using (var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = OwnerOnly,
        }))
        {
            JsonSerializer.Serialize(stream, this, JsonOptions);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
