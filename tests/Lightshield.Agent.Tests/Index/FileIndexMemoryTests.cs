using Lightshield.Agent.Index;
using Lightshield.Agent.Jobs;
using Lightshield.Agent.Tests.Support;
using Lightshield.Client.Files;
using Lightshield.Verdicts;

namespace Lightshield.Agent.Tests.Index;

/// <summary>The in-memory layer in front of the index for on-access opens (decision 57) answers what SQLite would, never
/// an older entry: a file changed in place or replaced by a rename gets no cached verdict, a verdict changed by a later
/// scan replaces the cached one, a read that raced a write cannot put the older entry back, and it stays bounded.</summary>
public sealed class FileIndexMemoryTests : IDisposable
{
    private readonly TempState _state = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("lightshield-index-memory-").FullName;

    public void Dispose()
    {
        _state.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_file_modified_in_place_after_its_verdict_was_cached_gets_no_cached_verdict()
    {
        var path = Write("app.bin", "clean content");
        var index = new FileIndex(_state.Database);
        await index.RecordAsync(Entry(path, Identity(path), VerdictKind.Clean));
        Assert.NotNull(await index.FindCurrentAsync(path, Identity(path))); // read from SQLite, now held in memory
        Assert.NotNull(_state.Database.IndexMemory.Find(path));

        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Position = 0;
            await stream.WriteAsync("CLEAN"u8.ToArray()); // same size, new bytes
        }

        Assert.Null(await index.FindCurrentAsync(path, Identity(path)));
    }

    [Fact]
    public async Task A_file_replaced_by_a_rename_over_it_gets_no_cached_verdict_even_with_the_same_size_and_times()
    {
        var path = Write("tool", "clean content");
        var index = new FileIndex(_state.Database);
        await index.RecordAsync(Entry(path, Identity(path), VerdictKind.Clean));
        Assert.NotNull(await index.FindCurrentAsync(path, Identity(path)));
        var replacement = Write("tool.new", "EVIL! content");
        File.SetLastWriteTimeUtc(replacement, File.GetLastWriteTimeUtc(path));

        File.Move(replacement, path, overwrite: true);

        Assert.Null(await index.FindCurrentAsync(path, Identity(path)));
    }

    [Fact]
    public async Task A_verdict_changed_by_a_later_scan_of_the_unchanged_file_replaces_the_cached_one()
    {
        var path = Write("doc.pdf", "content a new database detects");
        var identity = Identity(path);
        var index = new FileIndex(_state.Database);
        await index.RecordAsync(Entry(path, identity, VerdictKind.Clean));
        Assert.Equal(VerdictKind.Clean, (await index.FindCurrentAsync(path, identity))!.Verdict);

        // A scheduled scan looks the unchanged file's key up again and the scan server now says infected.
        var queue = new JobQueue(_state.Database, TimeProvider.System);
        await queue.CreateTaskAsync("scheduled", JobPriority.Scheduled, [path]);
        var job = Assert.Single(await queue.LeaseAsync(1));
        await queue.CompleteAsync([new JobOutcome(job, true, false, 0, Entry(path, identity, VerdictKind.Infected))]);

        Assert.Equal(VerdictKind.Infected, (await index.FindCurrentAsync(path, identity))!.Verdict);
    }

    [Fact]
    public void An_entry_read_before_a_write_of_the_index_is_not_kept()
    {
        var memory = new FileIndexMemory();
        var entry = Entry("/srv/a", new FileIdentity(1, 2, 3, 4, 5), VerdictKind.Clean);
        var readAt = memory.Generation;

        memory.Forget(["/srv/a"]); // a scan committed a new entry while the SQLite read was under way

        Assert.False(memory.Remember(entry, readAt));
        Assert.Null(memory.Find("/srv/a"));
        Assert.True(memory.Remember(entry, memory.Generation));
    }

    [Fact]
    public void The_memory_never_holds_more_entries_than_its_capacity()
    {
        var memory = new FileIndexMemory(capacity: 100);

        for (var i = 0; i < 1000; i++)
        {
            memory.Remember(Entry($"/srv/f{i}", new FileIdentity(1, (ulong)i, 3, 4, 5), VerdictKind.Clean), memory.Generation);
            Assert.InRange(memory.Count, 1, 100);
        }
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static FileIdentity Identity(string path)
    {
        Assert.True(UnixFileStatus.TryGet(path, out var status));
        return FileIdentity.From(status);
    }

    private static FileIndexEntry Entry(string path, FileIdentity identity, VerdictKind verdict) =>
        new(path, identity, FileKey.Compute("content"u8), verdict, verdict == VerdictKind.Infected ? ["Test.A"] : [], "1",
            DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
}
