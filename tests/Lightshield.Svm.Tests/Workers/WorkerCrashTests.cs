using System.Diagnostics;
using System.IO.Compression;
using Lightshield.Client;
using Lightshield.Svm.Tests.Infrastructure;
using Lightshield.Svm.Workers;
using Lightshield.Testing;
using Microsoft.Extensions.DependencyInjection;
using VerdictKind = Lightshield.Verdicts.VerdictKind;

namespace Lightshield.Svm.Tests.Workers;

/// <summary>libclamav dies under a scan (as a parser bug would make it): that scan fails with a clear reason, the server
/// stays up and healthy, and the next scan is served by a new worker.</summary>
public sealed class WorkerCrashTests
{
    [Fact]
    public async Task Worker_killed_mid_scan_fails_that_scan_clearly_and_the_next_scan_succeeds_with_the_server_healthy()
    {
        await using var server = await ScanServerHost.StartAsync(TestContent.StarterDatabase);
        var workers = server.Services.GetRequiredService<ScanWorkers>();
        var killed = workers.WorkerProcessId!.Value;
        var slow = SlowToScan();

        var scan = server.ScanOutcomeAsync(slow);
        await WaitUntilBusyAsync(killed);
        Process.GetProcessById(killed).Kill(); // SIGKILL to the sandbox; the worker dies with it
        var outcome = await scan.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(ScanOutcomeKind.Answered, outcome.Kind);
        Assert.Equal(VerdictKind.Error, outcome.Verdict!.Kind);
        Assert.Contains("scan engine", outcome.Verdict.Reason, StringComparison.Ordinal);
        var next = await server.ScanAsync(TestSamples.Eicar().Concat(TestContent.Unique(16)).ToArray());
        Assert.Equal(VerdictKind.Infected, next.Verdict.Kind);
        Assert.NotEqual(killed, workers.WorkerProcessId);
        using var http = new HttpClient();
        Assert.True((await http.GetAsync(new Uri(server.Endpoints.OpsAddress!, "/health/ready"))).IsSuccessStatusCode);
    }

    [Fact]
    public async Task Stopping_the_server_ends_its_worker_and_starts_no_replacement()
    {
        var server = await ScanServerHost.StartAsync(TestContent.StarterDatabase);
        var workers = server.Services.GetRequiredService<ScanWorkers>();
        var worker = Process.GetProcessById(workers.WorkerProcessId!.Value);
        var ended = new List<string>();
        workers.WorkerEnded = reason =>
        {
            lock (ended)
            {
                ended.Add(reason);
            }
        };

        await server.DisposeAsync();
        await worker.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2)); // a replacement would have been asked for as the worker ended

        // Counted as a worker that ended on its own (and replaced) is what a stop must not look like.
        lock (ended)
        {
            Assert.Empty(ended);
        }
    }

    /// <summary>A small zip of a few hundred MiB of zeros: libclamav spends seconds extracting and scanning it.</summary>
    private static byte[] SlowToScan()
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var entry = 0; entry < 5; entry++)
            {
                using var stream = archive.CreateEntry($"part{entry}.bin", CompressionLevel.Fastest).Open();
                for (var mib = 0; mib < 60; mib++)
                {
                    stream.Write(zeros);
                }
            }
        }
        return zip.ToArray();
    }

    /// <summary>Until the worker (the sandbox's process tree) has used CPU for a moment: the scan is under way.</summary>
    private static async Task WaitUntilBusyAsync(int sandbox)
    {
        var deadline = Stopwatch.StartNew();
        var start = TreeCpuTicks(sandbox);
        while (TreeCpuTicks(sandbox) - start < 20 && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }
    }

    private static long TreeCpuTicks(int root)
    {
        long ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var pid = int.Parse(Path.GetFileName(directory), System.Globalization.CultureInfo.InvariantCulture);
                if (pid == root || IsDescendant(pid, root))
                {
                    ticks += long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
            }
        }
        return ticks;
    }

    private static bool IsDescendant(int pid, int root)
    {
        for (var current = pid; current > 1;)
        {
            var stat = File.ReadAllText($"/proc/{current}/stat");
            current = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            if (current == root)
            {
                return true;
            }
        }
        return false;
    }
}
