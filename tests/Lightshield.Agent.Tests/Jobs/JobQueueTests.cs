using Lightshield.Agent.Jobs;
using Lightshield.Agent.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Agent.Tests.Jobs;

public sealed class JobQueueTests : IDisposable
{
    private readonly TempState _state = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero));

    public void Dispose() => _state.Dispose();

    [Fact]
    public async Task LeaseAsync_JobsOfSeveralPriorities_OnAccessFirst()
    {
        var queue = new JobQueue(_state.Database, _time);
        await queue.CreateTaskAsync("scheduled", JobPriority.Scheduled, ["/srv/a"]);
        await queue.CreateTaskAsync("on-demand", JobPriority.OnDemand, ["/srv/b"]);
        await queue.CreateTaskAsync("on-access", JobPriority.OnAccess, ["/srv/c"]);

        var leased = await queue.LeaseAsync(10);

        Assert.Equal([JobPriority.OnAccess, JobPriority.OnDemand, JobPriority.Scheduled], leased.Select(j => j.Priority));
        Assert.Empty(await queue.LeaseAsync(10));
    }

    [Fact]
    public async Task Walk_RestartedAfterCrashMidScan_EveryFileCompletedExactlyOnce()
    {
        var files = Enumerable.Range(0, 250).Select(i => $"/data/dir{i % 5}/file{i}").ToList();
        var queue = new JobQueue(_state.Database, _time);
        var task = await queue.CreateTaskAsync("on-demand", JobPriority.OnDemand, ["/data"]);
        var root = Assert.Single(await queue.LeaseAsync(10));
        await queue.ExpandDirectoryAsync(root, Enumerable.Range(0, 5).Select(d => ($"/data/dir{d}", true)));
        foreach (var directory in await queue.LeaseAsync(5))
        {
            await queue.ExpandDirectoryAsync(directory, files.Where(f => f.StartsWith(directory.Path + "/", StringComparison.Ordinal)).Select(f => (f, false)));
        }
        var completed = new List<string>();
        var batch = await queue.LeaseAsync(40);
        await queue.CompleteAsync(batch.Select(j => new JobOutcome(j, false, false, 10, null)).ToList());
        completed.AddRange(batch.Select(j => j.Path));
        _ = await queue.LeaseAsync(40); // leased, then the agent dies before completing them

        var restarted = new JobQueue(_state.Reopen(), _time);
        Assert.Equal(40, await restarted.RecoverAsync());
        while ((await restarted.LeaseAsync(64)) is { Count: > 0 } jobs)
        {
            await restarted.CompleteAsync(jobs.Select(j => new JobOutcome(j, j.Path.EndsWith('7'), false, 10, null)).ToList());
            completed.AddRange(jobs.Select(j => j.Path));
        }

        Assert.Equal(files.Order(), completed.Order());
        var progress = await restarted.GetTaskAsync(task);
        Assert.NotNull(progress);
        Assert.Equal(250, progress.FilesDone);
        Assert.Equal(files.Count(f => f.EndsWith('7')), progress.Infected);
        Assert.Equal(0, progress.Pending);
        Assert.NotNull(progress.FinishedAt);
    }

    [Fact]
    public async Task CompleteDirectoriesAsync_DirectoryScannedWithoutFileJobs_CrashBeforeItsCommitRedoesItAndCountsEachFileOnce()
    {
        var queue = new JobQueue(_state.Database, _time);
        var task = await queue.CreateTaskAsync("on-demand", JobPriority.OnDemand, ["/data"]);
        var root = Assert.Single(await queue.LeaseAsync(10));

        await queue.CompleteDirectoriesAsync([(root, ["/data/sub"])], [.. new[] { "/data/a", "/data/b", "/data/c" }.Select(f => new JobOutcome(root with { IsDirectory = false, Path = f }, f.EndsWith('b'), false, 10, null))]);
        var sub = Assert.Single(await queue.LeaseAsync(10)); // only the subdirectory: no job was ever queued for a file
        Assert.Equal("/data/sub", sub.Path);
        Assert.True(sub.IsDirectory);

        // The agent dies while scanning /data/sub's files: nothing of them was committed, the directory is walked again.
        var restarted = new JobQueue(_state.Reopen(), _time);
        Assert.Equal(1, await restarted.RecoverAsync());
        var again = Assert.Single(await restarted.LeaseAsync(10));
        await restarted.CompleteDirectoriesAsync([(again, [])], [.. new[] { "/data/sub/d", "/data/sub/e" }.Select(f => new JobOutcome(again with { IsDirectory = false, Path = f }, false, false, 10, null))]);

        var progress = await restarted.GetTaskAsync(task);
        Assert.NotNull(progress);
        Assert.Equal(5, progress.FilesDone);
        Assert.Equal(1, progress.Infected);
        Assert.Equal(50, progress.BytesRead);
        Assert.Equal(0, progress.Pending);
        Assert.NotNull(progress.FinishedAt);
    }

    [Fact]
    public async Task CompleteAsync_OneBatchOfTwoTasks_EachTaskCountsExactlyItsOwnResults()
    {
        var queue = new JobQueue(_state.Database, _time);
        var first = await queue.CreateTaskAsync("on-demand", JobPriority.OnDemand, Enumerable.Range(0, 30).Select(i => $"/a/f{i}"));
        var second = await queue.CreateTaskAsync("on-demand", JobPriority.OnDemand, Enumerable.Range(0, 20).Select(i => $"/b/f{i}"));
        var jobs = await queue.LeaseAsync(100);
        Assert.Equal(50, jobs.Count);

        await queue.CompleteAsync([.. jobs.Where(j => j.TaskId == first || j.Path.EndsWith('1'))
            .Select(j => new JobOutcome(j, j.Path.EndsWith('3'), j.Path.EndsWith('5'), j.Path.Length, null))]);

        var a = (await queue.GetTaskAsync(first))!;
        Assert.Equal((30L, 3L, 3L, Enumerable.Range(0, 30).Sum(i => (long)$"/a/f{i}".Length), 0L), (a.FilesDone, a.Infected, a.Errors, a.BytesRead, a.Pending));
        Assert.NotNull(a.FinishedAt);
        var b = (await queue.GetTaskAsync(second))!;
        Assert.Equal((2L, 0L, 0L, (long)"/b/f1".Length + "/b/f11".Length, 18L), (b.FilesDone, b.Infected, b.Errors, b.BytesRead, b.Pending));
        Assert.Null(b.FinishedAt);
    }

    [Fact]
    public async Task RetryLaterAsync_ServerBusy_JobWaitsForTheDelay()
    {
        var queue = new JobQueue(_state.Database, _time);
        await queue.CreateTaskAsync("on-demand", JobPriority.OnDemand, ["/srv/file"]);
        var job = Assert.Single(await queue.LeaseAsync(1));

        await queue.RetryLaterAsync([job], TimeSpan.FromSeconds(5));

        Assert.Empty(await queue.LeaseAsync(1));
        _time.Advance(TimeSpan.FromSeconds(5));
        var again = Assert.Single(await queue.LeaseAsync(1));
        Assert.Equal(1, again.Attempts);
    }

    [Fact]
    public async Task GetTaskAsync_WhileJobsRemain_NotFinished()
    {
        var queue = new JobQueue(_state.Database, _time);
        var task = await queue.CreateTaskAsync("on-demand", JobPriority.OnDemand, ["/a", "/b"]);
        var first = (await queue.LeaseAsync(1))[0];
        await queue.CompleteAsync([new JobOutcome(first, false, true, 0, null)]);

        var progress = await queue.GetTaskAsync(task);

        Assert.NotNull(progress);
        Assert.Null(progress.FinishedAt);
        Assert.Equal(1, progress.Errors);
        Assert.Equal(1, progress.Pending);
    }
}
