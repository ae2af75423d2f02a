namespace Lightshield.Testing;

/// <summary>The Redis the tests use, named by <see cref="Variable"/>: <c>host:port</c> (a Redis without authentication,
/// such as a developer's loopback one), optionally followed by <c>,user=NAME,password=SECRET</c>; or the user in
/// <see cref="UserVariable"/> and its password in the file named by <see cref="PasswordFileVariable"/>, as
/// <c>test.sh</c> exports them for its Redis with an ACL user and the default user off. Without <see cref="Variable"/> the
/// Redis tests fail: they must not pass by not running.</summary>
public static class TestRedis
{
    public const string Variable = "LIGHTSHIELD_TEST_REDIS";
    public const string UserVariable = "LIGHTSHIELD_TEST_REDIS_USER";
    public const string PasswordFileVariable = "LIGHTSHIELD_TEST_REDIS_PASSWORD_FILE";

    private static string Raw => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException(
            $"{Variable} is not set: run the tests with ./test.sh, which starts Redis on loopback, or start one " +
            $"('redis-server --port 6391 --bind 127.0.0.1 --save \"\" --appendonly no --daemonize yes') and export {Variable}=127.0.0.1:6391.");

    /// <summary><c>host:port</c>, without credentials.</summary>
    public static string Address => Raw.Split(',')[0].Trim();

    /// <summary>The ACL user, or null for Redis's default user.</summary>
    public static string? User => Option("user") ?? (Environment.GetEnvironmentVariable(UserVariable) is { Length: > 0 } user ? user : null);

    /// <summary>The user's password, or null.</summary>
    public static string? Password => Option("password")
        ?? (PasswordFile is { } file ? File.ReadAllText(file).TrimEnd('\r', '\n') : null);

    /// <summary>A file holding <see cref="Password"/> (written into <paramref name="directory"/> when the password came
    /// inline), or null without a password: what a scan server's <c>Svm:RedisPasswordFile</c> names.</summary>
    public static string? PasswordFileIn(string directory)
    {
        if (PasswordFile is { } file)
        {
            return file;
        }
        if (Option("password") is not { } password)
        {
            return null;
        }
        var path = System.IO.Path.Combine(directory, "redis.password");
        File.WriteAllText(path, password);
        return path;
    }

    /// <summary>A StackExchange.Redis configuration string with the credentials, for the tests' own connections.</summary>
    public static string ConfigurationString =>
        Address + (User is { } user ? $",user={user}" : "") + (Password is { } password ? $",password={password}" : "");

    /// <summary>The scan server options that reach this Redis: address, user, password file, and a fresh verdict key
    /// written into <paramref name="directory"/> (one directory per site: scan servers sharing it share the key).</summary>
    public static string[] SvmArguments(string directory)
    {
        var keyFile = System.IO.Path.Combine(directory, "verdict.key");
        if (!File.Exists(keyFile))
        {
            File.WriteAllText(keyFile, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        }
        var arguments = new List<string> { $"--Svm:Redis={Address}", $"--Svm:VerdictKeyFile={keyFile}" };
        if (User is { } user)
        {
            arguments.Add($"--Svm:RedisUser={user}");
        }
        if (PasswordFileIn(directory) is { } passwordFile)
        {
            arguments.Add($"--Svm:RedisPasswordFile={passwordFile}");
        }
        return [.. arguments];
    }

    private static string? PasswordFile =>
        Environment.GetEnvironmentVariable(PasswordFileVariable) is { Length: > 0 } file ? file : null;

    private static string? Option(string name) => Raw.Split(',').Skip(1)
        .Select(part => part.Split('=', 2))
        .Where(pair => pair.Length == 2 && string.Equals(pair[0].Trim(), name, StringComparison.OrdinalIgnoreCase))
        .Select(pair => pair[1].Trim())
        .FirstOrDefault();
}
