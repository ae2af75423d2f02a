using Lightshield.Agent.Storage;

namespace Lightshield.Agent.Tests.Support;

/// <summary>A fresh agent state directory with its SQLite database, deleted afterwards.</summary>
internal sealed class TempState : IDisposable
{
    public TempState()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("lightshield-agent-test-").FullName;
        Database = new AgentDatabase(Path.Combine(Directory, "agent.db"));
    }

    public string Directory { get; }

    public AgentDatabase Database { get; }

    /// <summary>The same database opened again, as by an agent restarted after a crash.</summary>
    public AgentDatabase Reopen() => new(Database.Path);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
