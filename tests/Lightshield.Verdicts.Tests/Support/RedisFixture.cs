using StackExchange.Redis;

namespace Lightshield.Verdicts.Tests;

/// <summary>One connection to the test Redis named by <see cref="Variable"/>. Without it the Redis tests fail (they
/// must not pass by not running).</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public const string Variable = "LIGHTSHIELD_TEST_REDIS";

    private ConnectionMultiplexer? _connection;

    public string Endpoint { get; private set; } = "";

    public ConnectionMultiplexer Connection =>
        _connection ?? throw new InvalidOperationException("The Redis fixture is not initialised.");

    public async Task InitializeAsync()
    {
        var endpoint = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            throw new InvalidOperationException(
                $"{Variable} is not set. The Redis tests need a Redis at host:port: test.sh starts one, or run " +
                $"'redis-server --port 6391 --bind 127.0.0.1 --save \"\" --appendonly no --daemonize yes' and " +
                $"export {Variable}=127.0.0.1:6391.");
        }
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
            throw new InvalidOperationException($"No Redis answers at {Variable}={endpoint}.", exception);
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
