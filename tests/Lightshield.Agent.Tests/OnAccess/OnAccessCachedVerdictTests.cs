using System.Security.Cryptography;
using Lightshield.Agent.Actions;
using Lightshield.Agent.Index;
using Lightshield.Agent.OnAccess;
using Lightshield.Agent.Scanning;
using Lightshield.Agent.Tests.Support;
using Lightshield.Client.Content;
using Lightshield.Protocol.Policies;
using Lightshield.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lightshield.Agent.Tests.OnAccess;

/// <summary>On-access decisions answered from the index's memory (decision 57), with a real scan server: an unchanged
/// file's second open is answered from memory, and a file that became EICAR after its clean verdict was cached (written
/// in place, or renamed over it) is denied at its next open, never allowed by the stale clean verdict.</summary>
public sealed class OnAccessCachedVerdictTests : IDisposable
{
    private readonly TempState _state = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("lightshield-cached-verdict-").FullName;
    private readonly List<DetectedFile> _detected = [];

    public void Dispose()
    {
        _state.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_cached_clean_file_overwritten_in_place_or_replaced_by_rename_with_eicar_is_denied_at_its_next_open()
    {
        await using var server = await LocalScanServer.StartAsync();
        using var pool = new ScanServerPool([server.Endpoint], TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeProvider.System,
            NullLogger<ScanServerPool>.Instance);
        var index = new FileIndex(_state.Database);
        var decider = new OnAccessDecider(index, new FileBatchScanner(pool, index, new ReadRateLimiter(0, TimeProvider.System), "tenant-a"),
            () => DetectionAction.Deny, file =>
            {
                lock (_detected)
                {
                    _detected.Add(file);
                }
                return true;
            });
        var inPlace = Path.Combine(_directory, "in-place.bin");
        var renamed = Path.Combine(_directory, "renamed.bin");
        await File.WriteAllBytesAsync(inPlace, RandomNumberGenerator.GetBytes(4096));
        await File.WriteAllBytesAsync(renamed, RandomNumberGenerator.GetBytes(4096));

        Assert.Equal(AccessDecision.Allow, await DecideAsync(decider, inPlace)); // scanned, recorded
        Assert.Equal(AccessDecision.Allow, await DecideAsync(decider, renamed));
        Assert.Equal(AccessDecision.Allow, await DecideAsync(decider, inPlace)); // answered from the index, now in memory
        Assert.Equal(AccessDecision.Allow, await DecideAsync(decider, renamed));
        Assert.NotNull(_state.Database.IndexMemory.Find(inPlace));
        Assert.NotNull(_state.Database.IndexMemory.Find(renamed));

        await using (var stream = new FileStream(inPlace, FileMode.Truncate, FileAccess.Write))
        {
            await stream.WriteAsync(TestSamples.Eicar());
        }
        var replacement = Path.Combine(_directory, "replacement.tmp");
        await File.WriteAllBytesAsync(replacement, TestSamples.Eicar());
        File.Move(replacement, renamed, overwrite: true);

        Assert.Equal(AccessDecision.Deny, await DecideAsync(decider, inPlace));
        Assert.Equal(AccessDecision.Deny, await DecideAsync(decider, renamed));
        Assert.Equal([inPlace, renamed], _detected.Select(d => d.Path));
        Assert.Equal(AccessDecision.Deny, await DecideAsync(decider, inPlace)); // the infected verdict is what is cached now
    }

    private static async Task<AccessDecision> DecideAsync(OnAccessDecider decider, string path)
    {
        using var handle = File.OpenHandle(path);
        return await decider.DecideAsync(new OnAccessRequest(path, Environment.ProcessId, "test", null, handle, OnAccessEventKind.Open),
            CancellationToken.None);
    }
}
