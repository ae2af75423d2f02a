using System.Text;
using Lightshield.Svm.Database;
using Lightshield.Svm.Tests.Infrastructure;
using Lightshield.Testing;
using Microsoft.Extensions.DependencyInjection;
using FileKey = Lightshield.Verdicts.FileKey;
using VerdictKind = Lightshield.Verdicts.VerdictKind;

namespace Lightshield.Svm.Tests.Scanning;

public sealed class ReloadUnderLoadTests
{
    [Fact]
    public async Task Reload_WhileClientsStreamScans_NoScanFailsAndNewSignaturesApplyAfterSwap()
    {
        using var database = TestContent.CopyOfStarterDatabase();
        await using var server = await ScanServerHost.StartAsync(database.Path);
        var reloader = server.Services.GetRequiredService<DatabaseReloader>();
        const string marker = "LIGHTSHIELD-RELOAD-TEST-3c9e";
        byte[] Marked() => [.. TestContent.Unique(2000), .. Encoding.ASCII.GetBytes(marker), .. TestContent.Unique(100)];

        var before = await server.ScanAsync(Marked());
        Assert.Equal(VerdictKind.Clean, before.Verdict.Kind);

        using var stop = new CancellationTokenSource();
        var failures = 0;
        var scans = new ProgressCounter();
        var clients = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var (verdict, _) = await server.ScanAsync(TestContent.Unique(8192), tenant: $"t{i}");
                    if (verdict.Kind != VerdictKind.Clean)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failures);
                }
                scans.Increment();
            }
        })).ToArray();

        await scans.WaitForAsync(10, "ten scans before the reloads");
        TestContent.AddBodySignature(database.Path, marker, "Lightshield.Test.ReloadMarker");
        for (var i = 0; i < 3; i++)
        {
            await reloader.ReloadAsync(CancellationToken.None);
        }
        var after = await server.ScanAsync(Marked());
        await scans.WaitForAsync(scans.Value + 10, "ten scans after the reloads: the clients were not stalled");
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        Assert.Equal(0, failures);
        Assert.Equal(VerdictKind.Infected, after.Verdict.Kind);
        Assert.Contains("Lightshield.Test.ReloadMarker", after.Verdict.Names[0], StringComparison.Ordinal);
        Assert.NotEqual(before.Verdict.DatabaseVersion, after.Verdict.DatabaseVersion);
    }

    [Fact]
    public async Task Reload_HashSignatureAddedForCachedCleanFile_LookupTurnsInfectedWithoutRescan()
    {
        using var database = TestContent.CopyOfStarterDatabase();
        await using var server = await ScanServerHost.StartAsync(database.Path);
        var content = TestContent.Unique(3000);
        var key = FileKey.Compute(content);
        Assert.Equal(VerdictKind.Clean, (await server.ScanAsync(content)).Verdict.Kind);

        TestContent.AddHashSignature(database.Path, content, "Lightshield.Test.Retro");
        await server.Services.GetRequiredService<DatabaseReloader>().ReloadAsync(CancellationToken.None);

        var verdict = (await server.Client.LookupAsync([key], "t1"))[0];
        Assert.NotNull(verdict);
        Assert.Equal(VerdictKind.Infected, verdict.Kind);
        Assert.Contains("Lightshield.Test.Retro", verdict.Names[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_InfectedEntryOfOldDatabase_IsStaleAndRescanned()
    {
        using var database = TestContent.CopyOfStarterDatabase();
        const string marker = "LIGHTSHIELD-FALSE-POSITIVE-81d2";
        TestContent.AddBodySignature(database.Path, marker, "Lightshield.Test.FalsePositive", "fp.ndb");
        await using var server = await ScanServerHost.StartAsync(database.Path);
        var content = Encoding.ASCII.GetBytes($"an innocent document mentioning {marker}");
        Assert.Equal(VerdictKind.Infected, (await server.ScanAsync(content)).Verdict.Kind);

        File.Delete(Path.Combine(database.Path, "fp.ndb")); // the vendor withdraws the false positive
        await server.Services.GetRequiredService<DatabaseReloader>().ReloadAsync(CancellationToken.None);

        Assert.Null((await server.Client.LookupAsync([FileKey.Compute(content)], "t1"))[0]);
        var rescanned = await server.ScanAsync(content);
        Assert.Equal(VerdictKind.Clean, rescanned.Verdict.Kind);
        Assert.False(rescanned.Cached);
    }
}
