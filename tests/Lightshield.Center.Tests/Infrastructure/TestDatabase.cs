using System.Data.Common;

namespace Lightshield.Center.Tests.Infrastructure;

/// <summary>A fresh, empty center database on one provider, created per test class and removed after it.</summary>
public abstract class TestDatabase : IAsyncDisposable
{
    /// <summary><c>sqlite</c> or <c>postgres</c>, as <c>Center:Database:Provider</c> takes it.</summary>
    public abstract string Provider { get; }

    public abstract string ConnectionString { get; }

    /// <summary>A connection straight to the database, past the center, as someone with full database access would have.</summary>
    public abstract DbConnection OpenDirect();

    public async Task<int> ExecuteDirectAsync(string sql)
    {
        await using var connection = OpenDirect();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    public abstract Task InitializeAsync();

    public abstract ValueTask DisposeAsync();
}
