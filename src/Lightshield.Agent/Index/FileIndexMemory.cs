namespace Lightshield.Agent.Index;

/// <summary>
/// The hot part of the file index in memory, in front of SQLite for on-access opens (decision 57): path → the entry the
/// index holds, at most <paramref name="capacity"/> of them (all dropped when full; hot files come back at their next
/// open). It answers what SQLite would answer, never something older: every write to the index forgets the paths it
/// wrote once it has committed, and an entry read from SQLite is kept only if no write was forgotten since the read
/// began (<see cref="Generation"/>), so a read that raced a write cannot put the older entry back. Whether an entry
/// applies to the file being opened is the caller's check, as with SQLite: the same identity (device, inode, size,
/// mtime and ctime in nanoseconds), from fstat of the opened descriptor.
/// </summary>
public sealed class FileIndexMemory(int capacity = FileIndexMemory.DefaultCapacity)
{
    /// <summary>4,096 entries: a few hundred bytes each (a path, a key, the names), about 1–2 MiB at most.</summary>
    public const int DefaultCapacity = 4096;

    private readonly Dictionary<string, FileIndexEntry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _generation;

    /// <summary>Entries held now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Counts the writes forgotten so far: read it before reading SQLite, and pass it to <see cref="Remember"/>.</summary>
    public long Generation
    {
        get
        {
            lock (_lock)
            {
                return _generation;
            }
        }
    }

    public FileIndexEntry? Find(string path)
    {
        lock (_lock)
        {
            return _entries.GetValueOrDefault(path);
        }
    }

    /// <summary>Keeps <paramref name="entry"/>, read from SQLite after <see cref="Generation"/> was <paramref name="readAt"/>,
    /// unless the index was written since. Returns whether it was kept.</summary>
    public bool Remember(FileIndexEntry entry, long readAt)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            if (_generation != readAt)
            {
                return false;
            }
            if (_entries.Count >= capacity && !_entries.ContainsKey(entry.Path))
            {
                _entries.Clear();
            }
            _entries[entry.Path] = entry;
            return true;
        }
    }

    /// <summary>Forgets <paramref name="paths"/>, whose index entries were just written (call it after the commit).</summary>
    public void Forget(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        lock (_lock)
        {
            _generation++;
            foreach (var path in paths)
            {
                _entries.Remove(path);
            }
        }
    }
}
