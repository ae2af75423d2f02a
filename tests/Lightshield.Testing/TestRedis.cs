namespace Lightshield.Testing;

/// <summary>The Redis the tests use, named by <see cref="Variable"/> (<c>host:port</c>). Without it the Redis tests fail:
/// they must not pass by not running.</summary>
public static class TestRedis
{
    public const string Variable = "LIGHTSHIELD_TEST_REDIS";

    public static string Address => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } address
        ? address
        : throw new InvalidOperationException(
            $"{Variable} is not set: run the tests with ./test.sh, which starts Redis on loopback, or start one " +
            $"('redis-server --port 6391 --bind 127.0.0.1 --save \"\" --appendonly no --daemonize yes') and export {Variable}=127.0.0.1:6391.");
}
