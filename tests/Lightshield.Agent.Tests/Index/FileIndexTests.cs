using Lightshield.Agent.Index;
using Lightshield.Agent.Jobs;
using Lightshield.Agent.Tests.Support;
using Lightshield.Verdicts;

namespace Lightshield.Agent.Tests.Index;

public sealed class FileIndexTests : IDisposable
{
    private readonly TempState _state = new();

    public void Dispose() => _state.Dispose();

    [Fact]
    public async Task CompleteAsync_WithIndexEntry_EntryFoundByPathWithSameIdentityAndVerdict()
    {
        var queue = new JobQueue(_state.Database, TimeProvider.System);
        await queue.CreateTaskAsync("on-demand", JobPriority.OnDemand, ["/srv/app.bin"]);
        var job = Assert.Single(await queue.LeaseAsync(1));
        var key = FileKey.Compute("content"u8);
        var identity = new FileIdentity(2049, 123456, 7, 1_700_000_000_123_456_789, 1_700_000_000_223_456_789);
        var entry = new FileIndexEntry(job.Path, identity, key, VerdictKind.Infected, ["Win.Test.A", "Win.Test.B"], "27000-abc",
            DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

        await queue.CompleteAsync([new JobOutcome(job, true, false, 7, entry)]);
        var found = await new FileIndex(_state.Database).FindAsync(["/srv/app.bin", "/srv/other"]);

        var stored = Assert.Single(found).Value;
        Assert.Equal(identity, stored.Identity);
        Assert.Equal(key, stored.Key);
        Assert.Equal(VerdictKind.Infected, stored.Verdict);
        Assert.Equal(["Win.Test.A", "Win.Test.B"], stored.Names);
        Assert.Equal("27000-abc", stored.DatabaseVersion);
    }

    [Fact]
    public async Task FindAsync_ManyPathsSomeUnusual_ReturnsExactlyTheRecordedOnes()
    {
        var queue = new JobQueue(_state.Database, TimeProvider.System);
        var recorded = Enumerable.Range(0, 600).Select(i => $"/srv/d{i % 9}/f{i}").Concat(["/srv/quote\"d", "/srv/new\nline", "/srv/ünïcødé ✓"]).ToList();
        await queue.CreateTaskAsync("on-demand", JobPriority.OnDemand, recorded);
        var jobs = await queue.LeaseAsync(recorded.Count);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        await queue.CompleteAsync([.. jobs.Select((job, i) => new JobOutcome(job, false, false, 1,
            new FileIndexEntry(job.Path, new FileIdentity(1, (ulong)i, 1, 2, 3), FileKey.Compute("x"u8), VerdictKind.Clean, [], "1", at)))]);
        var asked = recorded.Where((_, i) => i % 2 == 0).Concat(["/srv/absent", "/srv/d1"]).ToList();

        var found = await new FileIndex(_state.Database).FindAsync(asked);

        Assert.Equal(recorded.Where((_, i) => i % 2 == 0).Order(StringComparer.Ordinal), found.Keys.Order(StringComparer.Ordinal));
        Assert.All(found, pair => Assert.Equal(pair.Key, pair.Value.Path));
    }
}
