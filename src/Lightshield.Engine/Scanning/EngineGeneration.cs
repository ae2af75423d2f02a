using Lightshield.Engine.Native;

namespace Lightshield.Engine;

/// <summary>One compiled native engine and the database it was built from. A reload creates a new generation;
/// the old one is freed when its last scan lease ends.</summary>
internal sealed class EngineGeneration(ClamEngineHandle handle, DatabaseInfo database)
{
    public ClamEngineHandle Handle { get; } = handle;

    public DatabaseInfo Database { get; } = database;
}
