using System.Data.Common;
using Npgsql;

namespace Lightshield.Center.Tests.Infrastructure;

/// <summary>A database with a unique name on the PostgreSQL server that <c>test.sh</c> starts
/// (<c>LIGHTSHIELD_TEST_POSTGRES</c>), dropped afterwards. Without that variable every PostgreSQL case fails.</summary>
public sealed class PostgresTestDatabase : TestDatabase
{
    public const string Variable = "LIGHTSHIELD_TEST_POSTGRES";
    private readonly string _name = $"lightshield_test_{Guid.NewGuid():N}";
    private string? _server;

    public override string Provider => "postgres";

    public override string ConnectionString => new NpgsqlConnectionStringBuilder(Server) { Database = _name }.ConnectionString;

    private string Server => _server ?? throw new InvalidOperationException("The test database was not initialised.");

    public override DbConnection OpenDirect()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    public override async Task InitializeAsync()
    {
        _server = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(_server))
        {
            throw new InvalidOperationException(
                $"{Variable} is not set: the PostgreSQL cases need a server. Run ./test.sh, which starts one on loopback, "
                + $"or set {Variable} to a connection string of a user that may create databases.");
        }
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{_name}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_server is null)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
