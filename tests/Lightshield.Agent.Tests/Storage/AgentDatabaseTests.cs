using Lightshield.Agent.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Lightshield.Agent.Tests.Storage;

public sealed class AgentDatabaseTests : IDisposable
{
    private readonly TempState _state = new();

    public void Dispose() => _state.Dispose();

    [Fact]
    public void Open_PooledAndNewNativeConnections_AllHaveWalForeignKeysNormalSyncAndBusyTimeout()
    {
        var settings = new List<(string, long, long, long)>();
        for (var round = 0; round < 3; round++)
        {
            using (var first = _state.Database.Open())
            using (var second = _state.Database.Open()) // open at the same time: a second native connection
            {
                settings.Add(Settings(first));
                settings.Add(Settings(second));
            }
            if (round == 1)
            {
                SqliteConnection.ClearAllPools(); // the next round's connections are new native ones again
            }
        }

        Assert.All(settings, s => Assert.Equal(("wal", 1L, 1L, 30000L), s));
    }

    private static (string JournalMode, long ForeignKeys, long Synchronous, long BusyTimeout) Settings(SqliteConnection connection) =>
        ((string)Scalar(connection, "PRAGMA journal_mode"), (long)Scalar(connection, "PRAGMA foreign_keys"),
            (long)Scalar(connection, "PRAGMA synchronous"), (long)Scalar(connection, "PRAGMA busy_timeout"));

    private static object Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar()!;
    }
}
