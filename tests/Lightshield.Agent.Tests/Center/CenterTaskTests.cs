using Lightshield.Agent.Jobs;
using Lightshield.Protocol.Center;
using Lightshield.Testing;

namespace Lightshield.Agent.Tests.Center;

/// <summary>Point 2, tasks: the center's tasks go into the persistent queue once, start when they may, and a full scan
/// runs only under a lease.</summary>
public sealed class CenterTaskTests
{
    [Fact]
    public async Task TaskDeliveredInEverySync_IsQueuedAndRunOnce()
    {
        await using var bed = await CenterTestBed.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(bed.Tree, $"f{i}"), [(byte)i, 1, 2, 3]);
        }
        bed.AssignServer();
        var task = CenterTestBed.ScanTask(bed.Tree);
        bed.Center.TasksEverySync = [task];
        await using var agent = await bed.StartAgentAsync();

        await bed.WaitForReportAsync(agent, task.TaskId, TaskState.Completed);
        var syncs = bed.Center.Syncs.Count;
        await agent.WaitForAsync(bed.Center.Syncs, all => all.Count >= syncs + 3, "three more syncs delivering the task again");

        var progress = (await agent.Get<JobQueue>().GetTaskAsync(task.TaskId))!;
        Assert.Equal(5, progress.FilesDone);
        Assert.Equal(0, progress.Pending);
        Assert.Single(await agent.Get<JobQueue>().LastTasksAsync(10), t => t.Id == task.TaskId);
        Assert.Equal(1, agent.Log.Count($"Center task {task.TaskId} (center-scan) started"));
        // Once the center has seen the final state, it is no longer reported.
        Assert.DoesNotContain(bed.Center.Syncs.Skip(syncs + 1), s => s.Progress.Any(p => p.TaskId == task.TaskId));
    }

    [Fact]
    public async Task NotBefore_TaskWaitsForItsTimeWhileADueTaskRuns()
    {
        await using var bed = await CenterTestBed.StartAsync();
        var later = Directory.CreateDirectory(Path.Combine(bed.Tree, "later")).FullName;
        var now = Directory.CreateDirectory(Path.Combine(bed.Tree, "now")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(later, "a"), [1]);
        await File.WriteAllBytesAsync(Path.Combine(now, "b"), [2]);
        bed.AssignServer();
        var future = CenterTestBed.ScanTask(later, DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds());
        var due = CenterTestBed.ScanTask(now, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds());
        bed.Center.TasksOnce.Enqueue(future);
        bed.Center.TasksOnce.Enqueue(due);
        await using var agent = await bed.StartAgentAsync();

        await bed.WaitForReportAsync(agent, due.TaskId, TaskState.Completed);
        var syncs = bed.Center.Syncs.Count;
        await agent.WaitForAsync(bed.Center.Syncs, all => all.Count >= syncs + 2, "two more syncs");

        Assert.Null(await agent.Get<JobQueue>().GetTaskAsync(future.TaskId));
        Assert.Equal(TaskState.Queued, bed.Center.Syncs.Last().Progress.Single(p => p.TaskId == future.TaskId).State);
    }

    [Fact]
    public async Task FullScan_WaitsForALease_RunsOnThePolicyPaths_AndReleasesTheLease()
    {
        await using var bed = await CenterTestBed.StartAsync();
        await File.WriteAllBytesAsync(Path.Combine(bed.Tree, "eicar.com"), TestSamples.Eicar());
        await File.WriteAllBytesAsync(Path.Combine(bed.Tree, "clean"), [9, 9]);
        bed.AssignServer();
        bed.Center.SetPolicy(3, CenterTestBed.Policy(fullScanPaths: [bed.Tree]));
        bed.Center.LeaseSlots = 0; // the host's slots are all taken
        var task = new AgentTask { TaskId = Guid.NewGuid().ToString(), Kind = TaskKind.FullScan, Scheduled = true };
        bed.Center.TasksOnce.Enqueue(task);
        await using var agent = await bed.StartAgentAsync();

        await bed.WaitForReportAsync(agent, task.TaskId, TaskState.WaitingForLease);
        await agent.WaitForAsync(bed.Center.LeaseRequests, requests => requests.Count(r => !r.Granted) >= 2, "a refused lease asked again");
        Assert.Null(await agent.Get<JobQueue>().GetTaskAsync(task.TaskId));

        bed.Center.LeaseSlots = 1;
        await bed.WaitForReportAsync(agent, task.TaskId, TaskState.Completed);
        var granted = Assert.Single(bed.Center.LeaseRequests, r => r.Granted);
        Assert.Equal(task.TaskId, granted.TaskId);
        await agent.WaitForAsync(bed.Center.Releases, releases => releases.Contains(granted.LeaseId), "the lease to be released");
        var progress = (await agent.Get<JobQueue>().GetTaskAsync(task.TaskId))!;
        Assert.Equal(JobPriority.Scheduled, progress.Priority);
        Assert.Equal(2, progress.FilesDone);
        Assert.Equal(1, progress.Infected);
    }
}
