namespace Lightshield.Center.Hosting;

/// <summary>Center settings (section <c>Center</c>; environment <c>LIGHTSHIELD_Center__Listen</c>, or
/// <c>--Center:Listen=...</c> on the command line).</summary>
public sealed record CenterOptions
{
    public const string Section = "Center";

    /// <summary>HTTP endpoint of the REST API, <c>address:port</c>. Default <c>127.0.0.1:7500</c>; port 0 picks a free port.</summary>
    public string Listen { get; init; } = "127.0.0.1:7500";

    /// <summary>Serve the REST API and the console over plain HTTP instead of TLS. Default false: TLS with the center's
    /// self-signed certificate (the gRPC endpoint's, so clients pin one fingerprint) or <c>Center:Integration:CertificatePath</c>.
    /// Allowed only on a loopback <see cref="Listen"/> address (tests, <c>lightshield up</c>).</summary>
    public bool Plaintext { get; init; }

    /// <summary>Where the center keeps its files (the SQLite database by default). Default
    /// <c>~/.local/share/lightshield/center</c>.</summary>
    public string DataDirectory { get; init; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "lightshield", "center");

    /// <summary>The database: provider and connection.</summary>
    public DatabaseOptions Database { get; init; } = new();

    /// <summary>The first provider administrator, created on first start with an empty database.</summary>
    public BootstrapOptions Bootstrap { get; init; } = new();

    /// <summary><c>provider</c> (default: the main center, which also hosts tenants itself) or <c>tenant</c>: a center in one
    /// tenant's segment that owns that tenant's data and dials up to the main center (<c>Center:Link</c>).</summary>
    public string Role { get; init; } = CenterRoles.Provider;

    /// <summary>Lifetime of a token returned by <c>POST /api/v1/auth/login</c>. Default 12 hours.</summary>
    public TimeSpan LoginTokenLifetime { get; init; } = TimeSpan.FromHours(12);
}

/// <summary>Section <c>Center:Database</c>.</summary>
public sealed record DatabaseOptions
{
    /// <summary><c>sqlite</c> (default: a file <c>center.db</c> in the data directory) or <c>postgres</c>.</summary>
    public string Provider { get; init; } = DatabaseProviders.Sqlite;

    /// <summary>Connection string. Required for <c>postgres</c>; for <c>sqlite</c> it overrides the default file. Never logged.</summary>
    public string? ConnectionString { get; init; }
}

/// <summary>Section <c>Center:Bootstrap</c>: used only when the database has no provider administrator yet.</summary>
public sealed record BootstrapOptions
{
    /// <summary>User name of the first provider administrator. Default <c>admin</c>.</summary>
    public string AdminUserName { get; init; } = "admin";

    /// <summary>Its password (at least 12 characters). Default none: a random one-time password is generated
    /// and written to the log once. Never logged when configured.</summary>
    public string? AdminPassword { get; init; }
}

/// <summary>The roles a center runs in (docs/center.md, "Center hierarchy").</summary>
public static class CenterRoles
{
    public const string Provider = "provider";
    public const string Tenant = "tenant";
}

/// <summary>The database providers the center supports.</summary>
public static class DatabaseProviders
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
}
