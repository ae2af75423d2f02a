using System.Text.Json;
using Lightshield.Agent.Center;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Policies;
using Lightshield.Quarantine;
using Lightshield.Testing;

namespace Lightshield.Agent.Tests.Center;

/// <summary>Point 2, policy: a policy from the center is stored and applied while the agent runs.</summary>
public sealed class PolicyTests
{
    [Fact]
    public async Task PolicyChange_ExclusionStopsAFileFromBeingScanned_AndIsStored()
    {
        await using var bed = await CenterTestBed.StartAsync();
        var vendor = Directory.CreateDirectory(Path.Combine(bed.Tree, "vendor")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(bed.Tree, "eicar.com"), TestSamples.Eicar());
        await File.WriteAllBytesAsync(Path.Combine(vendor, "eicar.com"), TestSamples.Eicar());
        bed.AssignServer();
        bed.Center.SetPolicy(1, CenterTestBed.Policy());
        await using var agent = await bed.StartAgentAsync();

        var before = CenterTestBed.ScanTask(bed.Tree);
        bed.Center.TasksOnce.Enqueue(before);
        Assert.Equal(2, (await CenterTestBed.WaitForTaskAsync(agent, before.TaskId)).Infected);

        bed.Center.SetPolicy(2, CenterTestBed.Policy(excluded: [vendor + "/**"]));
        await agent.WaitForAsync(bed.Center.Syncs, syncs => syncs.Any(s => s.PolicyVersion == 2), "the agent to run policy 2");
        var after = CenterTestBed.ScanTask(bed.Tree);
        bed.Center.TasksOnce.Enqueue(after);
        var done = await CenterTestBed.WaitForTaskAsync(agent, after.TaskId);
        Assert.Equal(1, done.Infected);
        Assert.Equal(1, done.FilesDone);

        var stored = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(bed.State.Directory, PolicyFile.FileName))).RootElement;
        Assert.Equal(2, stored.GetProperty("Version").GetInt64());
        Assert.Equal([vendor + "/**"], PolicyJson.Parse(stored.GetProperty("PolicyJson").GetString()!).OnDemand.ExcludedPaths);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(bed.State.Directory, PolicyFile.FileName)));
    }

    [Fact]
    public async Task PolicyQuarantineAction_QuarantinesWithTheTenantKeyFromEnrolment()
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
        await bed.WaitForReportAsync(agent, task.TaskId, TaskState.Completed);
        Assert.False(File.Exists(sample));
        await agent.WaitForAsync(bed.Center.Events, events => events.Any(e => e.Type == "quarantine-item"), "the quarantine-item event");
        var item = JsonDocument.Parse(bed.Center.Events.Single(e => e.Type == "quarantine-item").PayloadJson).RootElement;
        Assert.False(item.TryGetProperty("path", out _), "the original path must reach the center only sealed");
        Assert.Equal(sample, QuarantinePathSeal.Open(bed.Center.TenantQuarantineKey, item.GetProperty("itemId").GetString()!,
            Convert.FromBase64String(item.GetProperty("encryptedPath").GetString()!)));
        Assert.Equal(bed.Center.TenantQuarantineKey.Fingerprint, item.GetProperty("keyFingerprint").GetString());
        Assert.Equal(68, item.GetProperty("size").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(TestSamples.Eicar())), item.GetProperty("sha256").GetString());
        var detection = JsonDocument.Parse(bed.Center.Events.Single(e => e.Type == "detection").PayloadJson).RootElement;
        Assert.Equal("quarantined", detection.GetProperty("taken").GetString());
        Assert.Equal(item.GetProperty("itemId").GetString(), detection.GetProperty("quarantineItem").GetString());
        Assert.Equal(JsonValueKind.Null, detection.GetProperty("path").ValueKind);
    }
}
