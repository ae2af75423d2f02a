using System.Security.Cryptography;
using Google.Protobuf;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Policies;

namespace Lightshield.Agent.Tests.Center;

/// <summary>Decision 41 on the agent: a hunt's quarantine order moves into the vault only the files its own index holds
/// with the ordered hash and whose identity is still the one it hashed; a file changed since, a path the center made up
/// or a hash that is not the indexed one are left alone; the order is reported done with the next sync.</summary>
public sealed class HuntQuarantineTests
{
    [Fact]
    public async Task QuarantineOrder_MovesOnlyTheIndexedUnchangedFilesWithTheOrderedHash_AndIsReportedDone()
    {
        await using var bed = await CenterTestBed.StartAsync();
        var kept = Path.Combine(bed.Tree, "dropper.bin");
        var changed = Path.Combine(bed.Tree, "changed.bin");
        var otherHash = Path.Combine(bed.Tree, "other.bin");
        var neverIndexed = Path.Combine(bed.Tree, "later.bin");
        byte[] content = RandomNumberGenerator.GetBytes(3000);
        await File.WriteAllBytesAsync(kept, content);
        await File.WriteAllBytesAsync(changed, content);
        await File.WriteAllBytesAsync(otherHash, RandomNumberGenerator.GetBytes(3000));
        bed.Center.SetPolicy(1, CenterTestBed.Policy(DetectionAction.Report));
        bed.AssignServer();
        var task = CenterTestBed.ScanTask(bed.Tree);
        bed.Center.TasksOnce.Enqueue(task);
        await using var agent = await bed.StartAgentAsync();
        await bed.WaitForReportAsync(agent, task.TaskId, TaskState.Completed);
        await File.WriteAllBytesAsync(neverIndexed, content); // same content, but the agent never hashed this path
        await File.AppendAllTextAsync(changed, "x"); // its identity (and content) changed after the scan
        var hash = ByteString.CopyFrom(SHA256.HashData(content));
        var order = new HuntQuarantineOrder { HuntId = Guid.NewGuid().ToString() };
        order.Files.Add(new HuntQuarantineFile { Path = kept, Sha256 = hash });
        order.Files.Add(new HuntQuarantineFile { Path = changed, Sha256 = hash });
        order.Files.Add(new HuntQuarantineFile { Path = otherHash, Sha256 = hash });
        order.Files.Add(new HuntQuarantineFile { Path = neverIndexed, Sha256 = hash });
        order.Files.Add(new HuntQuarantineFile { Path = "/etc/passwd", Sha256 = hash });

        bed.Center.HuntQuarantinesEverySync = [order];
        await agent.WaitForAsync(bed.Center.Syncs, all => all.Any(s => s.HuntQuarantinesDone.Contains(order.HuntId)), "the order reported done");
        await agent.WaitForAsync(bed.Center.Events, all => all.Any(e => e.Type == "quarantine-item"), "the quarantine item event");

        Assert.False(File.Exists(kept));
        Assert.True(File.Exists(changed));
        Assert.True(File.Exists(otherHash));
        Assert.True(File.Exists(neverIndexed));
        Assert.True(File.Exists("/etc/passwd"));
        var item = Assert.Single(bed.Center.Events, e => e.Type == "quarantine-item");
        Assert.Contains(Convert.ToHexStringLower(hash.Span), item.PayloadJson, StringComparison.Ordinal);
        Assert.Single(bed.Center.Events, e => e.Type == "detection" && e.PayloadJson.Contains("\"hunt\"", StringComparison.Ordinal));
        var reportedIn = bed.Center.Syncs.ToList().FindIndex(s => s.HuntQuarantinesDone.Contains(order.HuntId));
        await agent.WaitForAsync(bed.Center.Syncs, all => all.Count >= reportedIn + 3, "two more syncs still offering the order");
        Assert.Single(bed.Center.Syncs, s => s.HuntQuarantinesDone.Contains(order.HuntId)); // carried out and reported once
    }
}
