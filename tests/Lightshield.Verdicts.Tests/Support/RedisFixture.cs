using Lightshield.Testing;
using StackExchange.Redis;

namespace Lightshield.Verdicts.Tests;

/// <summary>One connection to the test Redis named by <see cref="TestRedis.Variable"/>. Without it the Redis tests fail (they
/// must not pass by not running).</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private ConnectionMultiplexer? _connection;

    public string Endpoint { get; private set; } = "";

    public ConnectionMultiplexer Connection =>
        _connection ?? throw new InvalidOperationException("The Redis fixture is not initialised.");

    public async Task InitializeAsync()
    {
        var endpoint = TestRedis.Address;
        Endpoint = endpoint;
        var configuration = ConfigurationOptions.Parse(endpoint);
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
