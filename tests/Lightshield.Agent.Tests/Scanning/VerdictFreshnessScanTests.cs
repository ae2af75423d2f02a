using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using Lightshield.Agent.Index;
using Lightshield.Agent.Scanning;
using Lightshield.Agent.Tests.Support;
using Lightshield.Client.Content;
using Lightshield.Svm.Database;
using Lightshield.Testing;
using Lightshield.Verdicts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Priority = Lightshield.Protocol.Scan.Priority;

namespace Lightshield.Agent.Tests.Scanning;

/// <summary>Decisions 31 and 67 through the agent's real scan path and a real scan server (libclamav in its workers): a body
/// signature added after content was cached clean reaches that content at the next scheduled scan, with one engine scan
/// for the whole site, while on-access keeps answering from the cache with the count of newer body/logical signatures;
/// an update of hash signatures alone sends no old-clean content back to the engine.</summary>
public sealed class VerdictFreshnessScanTests : IDisposable
{
    private const string Marker = "LIGHTSHIELD-FRESHNESS-MARKER-5b1f";
    private const string SignatureName = "Lightshield.Test.Freshness";
    private readonly TempState _vmA = new();
    private readonly TempState _vmB = new();
    private readonly TempDirectory _database = new();
    private readonly TempDirectory _treeA = new();
    private readonly TempDirectory _treeB = new();

    public void Dispose()
    {
        _vmA.Dispose();
        _vmB.Dispose();
        _database.Dispose();
        _treeA.Dispose();
        _treeB.Dispose();
    }

    [Fact]
    public async Task NewBodySignature_NextScheduledScanOnTwoVms_OneEngineScanAndBothDetect()
    {
        await using var site = await StartSiteAsync();
        var (server, scannerA, scannerB) = (site.Server, site.ScannerA, site.ScannerB);
        // The same content on both VMs (as a file of one image), plus content of each VM's own that no signature names.
        byte[] sample = [.. RandomNumberGenerator.GetBytes(3000), .. Encoding.ASCII.GetBytes(Marker), .. RandomNumberGenerator.GetBytes(500)];
        var pathA = _treeA.File("tool.bin");
        var pathB = _treeB.File("tool.bin");
        await File.WriteAllBytesAsync(pathA, sample);
        await File.WriteAllBytesAsync(pathB, sample);
        var ownA = _treeA.File("own.bin");
        await File.WriteAllBytesAsync(ownA, RandomNumberGenerator.GetBytes(2000));

        var beforeA = await scannerA.ScanAsync([pathA, ownA], Priority.Scheduled, CancellationToken.None);
        await RememberAsync(_vmA, beforeA);
        var beforeB = await scannerB.ScanAsync([pathB], Priority.Scheduled, CancellationToken.None);
        await RememberAsync(_vmB, beforeB);
        Assert.All(beforeA.Concat(beforeB), r => Assert.Equal(VerdictKind.Clean, r.Verdict?.Kind));

        // Two body signatures: the one that names the sample and one that names nothing here; N counts both.
        File.AppendAllText(_database.File("fresh.ndb"), $"{SignatureName}:0:*:{Convert.ToHexStringLower(Encoding.ASCII.GetBytes(Marker))}\n"
            + $"Lightshield.Test.Unrelated:0:*:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}\n");
        await server.Services.GetRequiredService<DatabaseReloader>().ReloadAsync(CancellationToken.None);
        using var metrics = new MeterRecorder(server.Services.GetRequiredService<IMeterFactory>(), "Lightshield.Svm");

        var onAccess = await scannerA.ScanAsync([pathA], Priority.OnAccess, CancellationToken.None);
        var scheduledA = await scannerA.ScanAsync([pathA, ownA], Priority.Scheduled, CancellationToken.None);
        var scheduledB = await scannerB.ScanAsync([pathB], Priority.Scheduled, CancellationToken.None);

        Assert.Equal(VerdictKind.Clean, onAccess[0].Verdict?.Kind);
        Assert.True(onAccess[0].Verdict?.Outdated, "on-access is answered from the cache, flagged outdated");
        Assert.Equal(2, onAccess[0].Verdict?.NewerContentSignatures); // "made before 2 newer body/logical signatures"
        Assert.False(onAccess[0].Uploaded);
        Assert.Equal(VerdictKind.Infected, scheduledA[0].Verdict?.Kind);
        Assert.Contains(SignatureName, scheduledA[0].Verdict!.Names[0], StringComparison.Ordinal);
        Assert.Equal(VerdictKind.Infected, scheduledB[0].Verdict?.Kind);
        Assert.False(scheduledB[0].Uploaded, "the second VM finds the entry the first VM's rescan refreshed");
        Assert.Equal(VerdictKind.Clean, scheduledA[1].Verdict?.Kind);
        // The sample and VM A's own file (also made by the older database) went through the engine once each: two scans.
        Assert.Equal(2, metrics.Sum("lightshield.svm.scans"));
        Assert.Equal(1, metrics.Sum("lightshield.svm.scans", new("result", "infected")));
    }

    [Fact]
    public async Task NewHashSignaturesOnly_NextScheduledScanOnTwoVms_NoEngineScanOfOldCleanContent()
    {
        await using var site = await StartSiteAsync();
        var (server, scannerA, scannerB) = (site.Server, site.ScannerA, site.ScannerB);
        byte[] sample = RandomNumberGenerator.GetBytes(3000);
        byte[] hunted = RandomNumberGenerator.GetBytes(2500);
        var pathA = _treeA.File("tool.bin");
        var pathB = _treeB.File("tool.bin");
        var huntedA = _treeA.File("dropper.bin");
        await File.WriteAllBytesAsync(pathA, sample);
        await File.WriteAllBytesAsync(pathB, sample);
        await File.WriteAllBytesAsync(huntedA, hunted);
        await RememberAsync(_vmA, await scannerA.ScanAsync([pathA, huntedA], Priority.Scheduled, CancellationToken.None));
        await RememberAsync(_vmB, await scannerB.ScanAsync([pathB], Priority.Scheduled, CancellationToken.None));

        // An update of hash signatures only: one names content already cached clean, the other nothing on the site.
        File.WriteAllText(_database.File("fresh.hsb"), $"{Convert.ToHexStringLower(SHA256.HashData(hunted))}:{hunted.Length}:Lightshield.Test.Hash\n"
            + $"{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}:1234:Lightshield.Test.Other\n");
        var reload = await server.Services.GetRequiredService<DatabaseReloader>().ReloadAsync(CancellationToken.None);
        Assert.NotEqual(reload.Previous.Version, reload.Current.Version);
        using var metrics = new MeterRecorder(server.Services.GetRequiredService<IMeterFactory>(), "Lightshield.Svm");

        var scheduledA = await scannerA.ScanAsync([pathA, huntedA], Priority.Scheduled, CancellationToken.None);
        var scheduledB = await scannerB.ScanAsync([pathB], Priority.Scheduled, CancellationToken.None);

        Assert.All(scheduledA.Concat(scheduledB), r => Assert.False(r.Uploaded));
        Assert.Equal(VerdictKind.Clean, scheduledA[0].Verdict?.Kind);
        Assert.False(scheduledA[0].Verdict?.Outdated, "no body/logical signature is newer than the clean verdict");
        Assert.Equal(0, scheduledA[0].Verdict?.NewerContentSignatures);
        Assert.Equal(VerdictKind.Clean, scheduledB[0].Verdict?.Kind);
        Assert.Equal(VerdictKind.Infected, scheduledA[1].Verdict?.Kind); // the retro-active check, no content needed
        Assert.Equal(0, metrics.Sum("lightshield.svm.scans"));
    }

    /// <summary>A scan server on the starter database in <see cref="_database"/>, and both VMs' scanners through it.</summary>
    private async Task<Site> StartSiteAsync()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "signatures")))
        {
            File.Copy(file, _database.File(Path.GetFileName(file)));
        }
        var server = await LocalScanServer.StartAsync(trustedCredentialKey: null, databaseDirectory: _database.Path);
        var pool = new ScanServerPool([server.Endpoint], TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeProvider.System,
            NullLogger<ScanServerPool>.Instance);
        return new Site(server, pool, Scanner(pool, _vmA), Scanner(pool, _vmB));
    }

    private static FileBatchScanner Scanner(ScanServerPool pool, TempState vm) =>
        new(pool, new FileIndex(vm.Database), new ReadRateLimiter(0, TimeProvider.System), "tenant-a");

    private sealed record Site(LocalScanServer Server, ScanServerPool Pool, FileBatchScanner ScannerA, FileBatchScanner ScannerB)
        : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Pool.Dispose();
            await Server.DisposeAsync();
        }
    }

    private static async Task RememberAsync(TempState vm, IReadOnlyList<FileVerdict> results)
    {
        var index = new FileIndex(vm.Database);
        foreach (var result in results)
        {
            await index.RecordAsync(result.IndexEntry!);
        }
    }
}
