using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Lightshield.Center.Tests.Infrastructure;

/// <summary>A SQLite file in a temporary directory.</summary>
public sealed class SqliteTestDatabase : TestDatabase
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lightshield-center-test-").FullName;

    public override string Provider => "sqlite";

    public string FilePath => Path.Combine(_directory, "center.db");

    public override string ConnectionString => $"Data Source={FilePath}";

    public override DbConnection OpenDirect()
    {
        var connection = new SqliteConnection($"Data Source={FilePath};Pooling=False");
        connection.Open();
        return connection;
    }

    public override Task InitializeAsync() => Task.CompletedTask;

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        return ValueTask.CompletedTask;
    }
}
