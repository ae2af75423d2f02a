using System.Security.Cryptography;
using Lightshield.Agent.Hunts;
using Lightshield.Agent.Index;
using Lightshield.Agent.Scanning;
using Lightshield.Agent.Tests.Support;
using Lightshield.Client.Content;
using Lightshield.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Priority = Lightshield.Protocol.Scan.Priority;

namespace Lightshield.Agent.Tests.Hunts;

/// <summary>Decision 32's agent side: the index a real scan (real scan server, libclamav) wrote is matched against a hunt
/// of 1,000 SHA-256, and each match says whether its file is still there.</summary>
public sealed class LocalHashHuntTests : IDisposable
{
    private readonly TempState _state = new();
    private readonly TempDirectory _tree = new();

    public void Dispose()
    {
        _state.Dispose();
        _tree.Dispose();
    }

    [Fact]
    public async Task HuntOfThousandHashes_FindsScannedFilesWithTheirState()
    {
        var files = new List<(string Path, byte[] Content)>();
        for (var i = 0; i < 60; i++)
        {
            var content = RandomNumberGenerator.GetBytes(1500 + i);
            var path = _tree.File($"f{i}.bin");
            await File.WriteAllBytesAsync(path, content);
            files.Add((path, content));
        }
        var copy = _tree.File("copy-of-f1.bin");
        await File.WriteAllBytesAsync(copy, files[1].Content);
        await ScanAndRecordAsync([.. files.Select(f => f.Path), copy]);
        await File.WriteAllBytesAsync(files[2].Path, RandomNumberGenerator.GetBytes(100)); // changed since the scan
        File.Delete(files[3].Path); // gone since the scan
        var hunted = Enumerable.Range(0, 997).Select(_ => RandomNumberGenerator.GetBytes(32))
            .Concat(new[] { 1, 2, 3 }.Select(i => SHA256.HashData(files[i].Content))).ToArray();
        Random.Shared.Shuffle(hunted);

        var matches = await new LocalHashHunt(_state.Database).MatchAsync(hunted);

        Assert.Equal<(string, HuntFileState)>(
            [(files[1].Path, HuntFileState.Present), (copy, HuntFileState.Present), (files[2].Path, HuntFileState.Changed), (files[3].Path, HuntFileState.Gone)],
            matches.Select(m => (m.Path, m.State)).OrderBy(m => m.State).ThenBy(m => m.Path.Contains("copy", StringComparison.Ordinal) ? 1 : 0));
        Assert.All(matches, m => Assert.NotEqual(default, m.LastScannedAt));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(files[1].Content)), matches.First(m => m.Path == copy).Sha256Hex);
    }

    [Fact]
    public async Task HuntWithMalformedHash_IsRefusedWithTheReason()
    {
        var hunt = new LocalHashHunt(_state.Database);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => hunt.MatchAsync([new byte[32], new byte[31]]));

        Assert.Contains("SHA-256 of 32 bytes", refused.Message, StringComparison.Ordinal);
    }

    private async Task ScanAndRecordAsync(IReadOnlyList<string> paths)
    {
        await using var server = await LocalScanServer.StartAsync();
        using var pool = new ScanServerPool([server.Endpoint], TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeProvider.System,
            NullLogger<ScanServerPool>.Instance);
        var index = new FileIndex(_state.Database);
        var scanner = new FileBatchScanner(pool, index, new ReadRateLimiter(0, TimeProvider.System), "tenant-a");
        foreach (var result in await scanner.ScanAsync(paths, Priority.Scheduled, CancellationToken.None))
        {
            await index.RecordAsync(result.IndexEntry!);
        }
    }
}
