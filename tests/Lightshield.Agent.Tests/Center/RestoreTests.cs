using System.Text.Json;
using Lightshield.Protocol.Policies;
using Lightshield.Testing;

namespace Lightshield.Agent.Tests.Center;

/// <summary>Point 2, restores: a restore order from the tenant's center puts the original bytes back.</summary>
public sealed class RestoreTests
{
    [Fact]
    public async Task RestoreOrder_RestoresTheOriginalBytesAndIsReportedCompleted()
    {
        await using var bed = await CenterTestBed.StartAsync();
        var sample = Path.Combine(bed.Tree, "eicar.com");
        await File.WriteAllBytesAsync(sample, TestSamples.Eicar());
        bed.AssignServer();
        bed.Center.SetPolicy(1, CenterTestBed.Policy(DetectionAction.Quarantine));
        await using var agent = await bed.StartAgentAsync();
        await agent.WaitForAsync(bed.Center.Syncs, syncs => syncs.Any(s => s.PolicyVersion == 1), "the agent to run policy 1");
        var task = CenterTestBed.ScanTask(bed.Tree);
        bed.Center.TasksOnce.Enqueue(task);
        await agent.WaitForAsync(bed.Center.Events, events => events.Any(e => e.Type == "quarantine-item"), "the quarantine-item event");
        Assert.False(File.Exists(sample));
        var itemId = JsonDocument.Parse(bed.Center.Events.Single(e => e.Type == "quarantine-item").PayloadJson).RootElement
            .GetProperty("itemId").GetString()!;

        bed.Center.OrderRestore(itemId);
        await agent.WaitForAsync(bed.Center.Syncs, syncs => syncs.Any(s => s.CompletedRestores.Contains(itemId)), "the restore reported completed");

        Assert.Equal(TestSamples.Eicar(), await File.ReadAllBytesAsync(sample));
        await agent.WaitForAsync(bed.Center.Events, events => events.Any(e => e.Type == "quarantine-restore"), "the restore event");
        var outcome = JsonDocument.Parse(bed.Center.Events.Single(e => e.Type == "quarantine-restore").PayloadJson).RootElement;
        Assert.Equal("restored", outcome.GetProperty("outcome").GetString());
        Assert.False(outcome.TryGetProperty("path", out _), "the restore outcome must not carry the path in clear");
        var syncs = bed.Center.Syncs.Count;
        await agent.WaitForAsync(bed.Center.Syncs, all => all.Count >= syncs + 2, "two more syncs");
        Assert.DoesNotContain(bed.Center.Syncs.Skip(syncs + 1), s => s.CompletedRestores.Contains(itemId));
    }
}
