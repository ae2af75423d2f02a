namespace Lightshield.Testing;

/// <summary>A Redis the tests reach: one <c>host:port</c>, or a cluster's nodes comma-separated, with the ACL user and
/// its password when it has them.</summary>
public sealed record RedisTarget(string Address, string? User, string? Password)
{
    /// <summary>Reads <paramref name="variable"/>: addresses, optionally followed by <c>,user=NAME,password=SECRET</c>;
    /// without those, the user in <see cref="TestRedis.UserVariable"/> and its password in the file named by
    /// <see cref="TestRedis.PasswordFileVariable"/>, as <c>test.sh</c> exports them for its Redis servers (an ACL user,
    /// the default user off). Throws with <paramref name="hint"/> when the variable is not set: the Redis tests must
    /// not pass by not running.</summary>
    public static RedisTarget FromEnvironment(string variable, string hint)
    {
        var raw = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: {hint}");
        var parts = raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string? Option(string name) => parts
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2 && string.Equals(pair[0].Trim(), name, StringComparison.OrdinalIgnoreCase))
            .Select(pair => pair[1].Trim())
            .FirstOrDefault();
        var passwordFile = Environment.GetEnvironmentVariable(TestRedis.PasswordFileVariable) is { Length: > 0 } file ? file : null;
        return new RedisTarget(
            string.Join(",", parts.Where(part => !part.Contains('=', StringComparison.Ordinal))),
            Option("user") ?? (Environment.GetEnvironmentVariable(TestRedis.UserVariable) is { Length: > 0 } user ? user : null),
            Option("password") ?? (passwordFile is not null ? File.ReadAllText(passwordFile).TrimEnd('\r', '\n') : null));
    }

    /// <summary>A StackExchange.Redis configuration string with the credentials, for the tests' own connections.</summary>
    public string ConfigurationString =>
        Address + (User is { } user ? $",user={user}" : "") + (Password is { } password ? $",password={password}" : "");

    /// <summary>A file holding <see cref="Password"/>, written into <paramref name="directory"/> (mode 0600), or null
    /// without a password: what a scan server's <c>Svm:RedisPasswordFile</c> names.</summary>
    public string? PasswordFileIn(string directory)
    {
        if (Password is not { } password)
        {
            return null;
        }
        var path = System.IO.Path.Combine(directory, "redis.password");
        File.WriteAllText(path, password);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    /// <summary>The scan server settings that reach this Redis: address, user, password file, and a fresh verdict key
    /// written into <paramref name="directory"/> (one directory per site: scan servers sharing it share the key).</summary>
    public Dictionary<string, string?> SvmSettings(string directory)
    {
        var keyFile = System.IO.Path.Combine(directory, "verdict.key");
        if (!File.Exists(keyFile))
        {
            File.WriteAllText(keyFile, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        }
        var settings = new Dictionary<string, string?> { ["Svm:Redis"] = Address, ["Svm:VerdictKeyFile"] = keyFile };
        if (User is { } user)
        {
            settings["Svm:RedisUser"] = user;
        }
        if (PasswordFileIn(directory) is { } passwordFile)
        {
            settings["Svm:RedisPasswordFile"] = passwordFile;
        }
        return settings;
    }

    /// <summary><see cref="SvmSettings"/> as command-line arguments of <c>lightshield-svm</c>.</summary>
    public string[] SvmArguments(string directory) =>
        [.. SvmSettings(directory).Select(setting => $"--{setting.Key}={setting.Value}")];
}
