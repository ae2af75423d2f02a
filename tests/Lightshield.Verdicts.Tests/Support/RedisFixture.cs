using Lightshield.Testing;
using StackExchange.Redis;

namespace Lightshield.Verdicts.Tests;

/// <summary>One connection to the test Redis named by <see cref="TestRedis.Variable"/>. Without it the Redis tests fail (they
/// must not pass by not running).</summary>
public class RedisFixture : IAsyncLifetime
{
    /// <summary>The Redis this fixture connects to.</summary>
    protected virtual RedisTarget Target => TestRedis.Target;

    private ConnectionMultiplexer? _connection;

    /// <summary><c>host:port</c>, without credentials.</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>Cache options that reach the test Redis: address, ACL user and password when it has them, a verdict key
    /// (pass the same key to scan servers of one site), and a key prefix of the test's own.</summary>
    public VerdictCacheOptions Options(byte[] verdictKey, string keyPrefix) => new()
    {
        L1Capacity = 10_000,
        KeyPrefix = keyPrefix,
        RedisConfiguration = Endpoint,
        RedisUser = Target.User,
        RedisPassword = Target.Password,
        VerdictKey = verdictKey,
        L2TimeToLive = TimeSpan.FromHours(1),
        // These tests are about what the tiers share, not about timeouts: a loaded CI machine must not turn a
        // slow answer into a miss (the timeout behaviour has its own tests).
        L2Timeout = TimeSpan.FromSeconds(10),
    };

    public ConnectionMultiplexer Connection =>
        _connection ?? throw new InvalidOperationException("The Redis fixture is not initialised.");

    public async Task InitializeAsync()
    {
        var target = Target;
        var endpoint = target.Address;
        Endpoint = endpoint;
        var configuration = ConfigurationOptions.Parse(target.ConfigurationString);
        configuration.AllowAdmin = true;
        configuration.ConnectTimeout = 5000;
        try
        {
            _connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        }
        catch (RedisConnectionException exception)
        {
            throw new InvalidOperationException($"No Redis answers at {endpoint}.", exception);
        }
    }

    public async Task DeleteKeysAsync(string prefix)
    {
        var database = Connection.GetDatabase();
        foreach (var endpoint in Connection.GetEndPoints())
        {
            await foreach (var key in Connection.GetServer(endpoint).KeysAsync(pattern: prefix + "*"))
            {
                await database.KeyDeleteAsync(key);
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RedisTestGroup : ICollectionFixture<RedisFixture>
{
    public const string Name = "Redis";
}

/// <summary>One connection to the test Redis Cluster named by <see cref="TestRedisCluster.Variable"/> (three masters).
/// Without it the cluster tests fail.</summary>
public sealed class RedisClusterFixture : RedisFixture
{
    protected override RedisTarget Target => TestRedisCluster.Target;
}

[CollectionDefinition(Name)]
public sealed class RedisClusterTestGroup : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "Redis Cluster";
}
