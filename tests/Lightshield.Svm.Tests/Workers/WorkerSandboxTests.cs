using System.Text.RegularExpressions;
using Lightshield.Engine;
using Lightshield.Svm.Tests.Infrastructure;
using Lightshield.Svm.Workers;
using Lightshield.Testing;
using Lightshield.Verdicts;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lightshield.Svm.Tests.Workers;

public sealed partial class WorkerSandboxTests
{
    /// <summary>A fresh clone built under /tmp puts the worker there; the sandbox's private /tmp must not hide it (it did:
    /// the dotnet host then found no worker and printed its first-run banner on the worker's channel).</summary>
    [Fact]
    public async Task Worker_installed_under_tmp_starts_in_the_sandbox_and_finds_eicar()
    {
        using var install = new TempDirectory("lightshield-worker-install-");
        CopyWorker(install.Path);

        await using var workers = await ScanWorkers.StartAsync(new EngineOptions { DatabaseDirectory = TestContent.StarterDatabase },
            new WorkerOptions { Path = install.File("lightshield-scan-worker.dll") }, concurrency: 1, TimeProvider.System,
            NullLogger.Instance, CancellationToken.None);
        var eicar = TestSamples.Eicar();
        var verdict = await workers.ScanAsync(FileKey.Compute(eicar), eicar, CancellationToken.None);

        Assert.Equal(VerdictKind.Infected, verdict.Kind);
    }

    /// <summary>The worker and the assemblies its <c>deps.json</c> names, from this test's output folder.</summary>
    private static void CopyWorker(string destination)
    {
        var deps = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "lightshield-scan-worker.deps.json"));
        var files = DllName().Matches(deps).Select(m => m.Groups[1].Value)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "lightshield-scan-worker.*").Select(Path.GetFileName).OfType<string>())
            .Distinct(StringComparer.Ordinal)
            .Where(name => File.Exists(Path.Combine(AppContext.BaseDirectory, name)));
        foreach (var name in files)
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, name), Path.Combine(destination, name));
        }
    }

    [GeneratedRegex("\"(?:[^\"]*/)?([^\"/]+\\.dll)\"")]
    private static partial Regex DllName();
}
