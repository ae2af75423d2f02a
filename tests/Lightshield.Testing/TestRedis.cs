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

    public static RedisTarget Target => RedisTarget.FromEnvironment(Variable,
        "run the tests with ./test.sh, which starts Redis on loopback, or start one " +
        $"('redis-server --port 6391 --bind 127.0.0.1 --save \"\" --appendonly no --daemonize yes') and export {Variable}=127.0.0.1:6391.");

    /// <summary><c>host:port</c>, without credentials.</summary>
    public static string Address => Target.Address;

    /// <summary>The ACL user, or null for Redis's default user.</summary>
    public static string? User => Target.User;

    /// <summary>The user's password, or null.</summary>
    public static string? Password => Target.Password;

    /// <summary>A StackExchange.Redis configuration string with the credentials, for the tests' own connections.</summary>
    public static string ConfigurationString => Target.ConfigurationString;

    /// <inheritdoc cref="RedisTarget.SvmArguments"/>
    public static string[] SvmArguments(string directory) => Target.SvmArguments(directory);
}

/// <summary>The three-master Redis Cluster the tests use, named by <see cref="Variable"/>: its nodes' addresses,
/// comma-separated, with the credentials as for <see cref="TestRedis"/> (<c>test.sh</c> gives both the same ACL user).
/// Without it the cluster tests fail, as the Redis tests do.</summary>
public static class TestRedisCluster
{
    public const string Variable = "LIGHTSHIELD_TEST_REDIS_CLUSTER";

    public static RedisTarget Target => RedisTarget.FromEnvironment(Variable,
        "run the tests with ./test.sh, which starts a three-master cluster on loopback, or start one with " +
        "scripts/redis-cluster.sh (see docs/scan-server.md, \"Redis Cluster\") and export " +
        $"{Variable}=127.0.0.1:6600,127.0.0.1:6602,127.0.0.1:6604,user=NAME,password=SECRET.");
}
