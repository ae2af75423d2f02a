using System.Security.Cryptography;
using Google.Protobuf;
using Lightshield.Agent.Tests.Support;
using Lightshield.Protocol.Center;

namespace Lightshield.Agent.Tests.Center;

/// <summary>Decision 32 on the agent: a hunt in a sync answer is matched against the local index the agent's own scan
/// wrote (real scan server), and the answer goes out with the very next sync, a second later, not one interval later.</summary>
public sealed class HuntAnswerTests
{
    [Fact]
    public async Task HuntInSync_AnsweredInTheNextSync_WithPathsAndStates()
    {
        await using var bed = await CenterTestBed.StartAsync();
        var (kept, removed) = (Path.Combine(bed.Tree, "kept.bin"), Path.Combine(bed.Tree, "removed.bin"));
        await using var agent = await ScannedAsync(bed, kept, removed, Path.Combine(bed.Tree, "other.bin"));
        var huntedKept = SHA256.HashData(await File.ReadAllBytesAsync(kept));
        var huntedRemoved = SHA256.HashData(await File.ReadAllBytesAsync(removed));
        File.Delete(removed);
        var order = new HuntOrder { HuntId = Guid.NewGuid().ToString() };
        order.Sha256.AddRange(Enumerable.Range(0, 998).Select(_ => ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32))));
        order.Sha256.Add(ByteString.CopyFrom(huntedKept));
        order.Sha256.Add(ByteString.CopyFrom(huntedRemoved));

        var before = bed.Center.Syncs.Count;
        bed.Center.HuntsEverySync = [order];
        await agent.WaitForAsync(bed.Center.Syncs, all => all.Any(s => s.HuntReports.Any(r => r.HuntId == order.HuntId)), "the hunt's answer");

        var syncs = bed.Center.Syncs.ToList();
        var answeredIn = syncs.FindIndex(s => s.HuntReports.Any(r => r.HuntId == order.HuntId));
        // The sync in flight when the hunt was set may not carry it; the one after it does, and the next answers.
        Assert.True(answeredIn <= before + 2, $"answered in sync {answeredIn}, the hunt was offered from sync {before}");
        var report = syncs[answeredIn].HuntReports.Single(r => r.HuntId == order.HuntId);
        Assert.Equal([(kept, HuntFileState.Present), (removed, HuntFileState.Gone)],
            report.Matches.Select(m => (m.Path, m.State)).OrderBy(m => m.Path, StringComparer.Ordinal));
        Assert.Equal(Convert.ToHexStringLower(huntedKept), Convert.ToHexStringLower(report.Matches.Single(m => m.Path == kept).Sha256.Span));
        await agent.WaitForAsync(bed.Center.Syncs, all => all.Count >= answeredIn + 3, "two more syncs still offering the hunt");
        Assert.Single(bed.Center.Syncs, s => s.HuntReports.Any(r => r.HuntId == order.HuntId)); // matched and sent once
    }

    [Fact]
    public async Task PrefixFilterHunt_FalseCandidateConfirmedAway_OnlyTheHuntedFileReported()
    {
        await using var bed = await CenterTestBed.StartAsync();
        var (kept, decoy) = (Path.Combine(bed.Tree, "kept.bin"), Path.Combine(bed.Tree, "decoy.bin"));
        await using var agent = await ScannedAsync(bed, kept, decoy);
        var huntedKept = SHA256.HashData(await File.ReadAllBytesAsync(kept));
        // Hunted: a hash that starts like the decoy's and differs after the prefix, so the decoy passes the filter.
        var decoyHash = SHA256.HashData(await File.ReadAllBytesAsync(decoy));
        var nearDecoy = (byte[])decoyHash.Clone();
        nearDecoy[31] ^= 0xff;
        List<byte[]> hashes = [.. Enumerable.Range(0, 998).Select(_ => RandomNumberGenerator.GetBytes(32)), huntedKept, nearDecoy];
        var order = new HuntOrder { HuntId = Guid.NewGuid().ToString(), Sha256Prefixes = HuntPrefixes.Encode(hashes.Select(h => HuntPrefixes.Of(h))) };

        bed.Center.HuntHashes = new Dictionary<string, IReadOnlyList<byte[]>> { [order.HuntId] = hashes };
        bed.Center.HuntsEverySync = [order];
        await agent.WaitForAsync(bed.Center.Syncs, all => all.Any(s => s.HuntReports.Any(r => r.HuntId == order.HuntId)), "the hunt's answer");

        var asked = bed.Center.Syncs.SelectMany(s => s.HuntCandidates).Where(c => c.HuntId == order.HuntId).ToList();
        var askedPrefixes = HuntPrefixes.Decode(Assert.Single(asked).Sha256Prefixes.Span, HuntPrefixes.MaxCandidates);
        Assert.Equal(new HashSet<ulong> { HuntPrefixes.Of(huntedKept), HuntPrefixes.Of(decoyHash) }, askedPrefixes); // the decoy was a candidate
        var report = bed.Center.Syncs.SelectMany(s => s.HuntReports).Single(r => r.HuntId == order.HuntId);
        var match = Assert.Single(report.Matches); // and is not reported: its full hash is not hunted
        Assert.Equal((kept, HuntFileState.Present), (match.Path, match.State));
        Assert.Equal(Convert.ToHexStringLower(huntedKept), Convert.ToHexStringLower(match.Sha256.Span));
    }

    [Fact]
    public async Task CandidatesOfAHuntTheCenterDoesNotKnow_AreForgotten_NotAskedAboutAtEverySync()
    {
        // The agent moved to another center mid-hunt: the hunt it holds candidates for is unknown there (decision 68).
        await using var bed = await CenterTestBed.StartAsync();
        var held = Path.Combine(bed.Tree, "held.bin");
        await using var agent = await ScannedAsync(bed, held);
        var heldHash = SHA256.HashData(await File.ReadAllBytesAsync(held));
        var order = new HuntOrder { HuntId = Guid.NewGuid().ToString(), Sha256Prefixes = HuntPrefixes.Encode([HuntPrefixes.Of(heldHash)]) };

        bed.Center.HuntsEverySync = [order]; // and no HuntHashes for it: this center cannot confirm it
        await agent.WaitForAsync(bed.Center.Syncs, all => all.Any(s => s.HuntCandidates.Any(c => c.HuntId == order.HuntId)), "the candidates");
        var asked = bed.Center.Syncs.ToList().FindIndex(s => s.HuntCandidates.Any(c => c.HuntId == order.HuntId));
        await agent.WaitForAsync(bed.Center.Syncs, all => all.Count >= asked + 4, "three more syncs");

        Assert.Single(bed.Center.Syncs, s => s.HuntCandidates.Any(c => c.HuntId == order.HuntId));
        Assert.DoesNotContain(bed.Center.Syncs, s => s.HuntReports.Any(r => r.HuntId == order.HuntId));
    }

    /// <summary>Writes random content of a different size to each of <paramref name="files"/>, and starts an agent that
    /// scans them (real scan server), so its local index holds them.</summary>
    private static async Task<InProcessAgent> ScannedAsync(CenterTestBed bed, params string[] files)
    {
        for (var i = 0; i < files.Length; i++)
        {
            await File.WriteAllBytesAsync(files[i], RandomNumberGenerator.GetBytes(2000 + (100 * i)));
        }
        bed.AssignServer();
        var task = CenterTestBed.ScanTask(bed.Tree);
        bed.Center.TasksOnce.Enqueue(task);
        var agent = await bed.StartAgentAsync();
        await bed.WaitForReportAsync(agent, task.TaskId, TaskState.Completed);
        return agent;
    }
}
