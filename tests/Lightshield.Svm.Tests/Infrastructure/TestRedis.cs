namespace Lightshield.Svm.Tests.Infrastructure;

/// <summary>The Redis server that ./test.sh starts on loopback.</summary>
internal static class TestRedis
{
    public static string Address => Environment.GetEnvironmentVariable("LIGHTSHIELD_TEST_REDIS") is { Length: > 0 } address
        ? address
        : throw new InvalidOperationException(
            "LIGHTSHIELD_TEST_REDIS is not set: run the tests with ./test.sh, which starts Redis on loopback, or export host:port of a Redis server.");
}
