using Lightshield.Testing;
using StackExchange.Redis;

namespace Lightshield.Verdicts.Tests;

/// <summary>One connection to the test Redis named by <see cref="TestRedis.Variable"/>. Without it the Redis tests fail (they
/// must not pass by not running).</summary>
public sealed class RedisFixture : IAsyncLifetime
{
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
        RedisUser = TestRedis.User,
        RedisPassword = TestRedis.Password,
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
        var endpoint = TestRedis.Address;
        Endpoint = endpoint;
        var configuration = ConfigurationOptions.Parse(TestRedis.ConfigurationString);
        configuration.AllowAdmin = true;
        configuration.ConnectTimeout = 5000;
        try
        {
            _connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        }
        catch (RedisConnectionException exception)
        {
            throw new InvalidOperationException($"No Redis answers at {TestRedis.Variable}={endpoint}.", exception);
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
