using System.Globalization;
using System.Security.Cryptography;
using Lightshield.Bench.Corpus;
using Lightshield.Bench.Support;
using Lightshield.Client;
using Lightshield.Engine;
using Lightshield.Svm.Database;
using Lightshield.Verdicts;
using Microsoft.Extensions.DependencyInjection;
using Priority = Lightshield.Protocol.Scan.Priority;

namespace Lightshield.Bench.Freshness;

internal sealed record UpdateRescanSettings(int Vms, int CommonFiles, int OwnFiles, int Updates, int Signatures, double BodyShare, int BaseSignatures);

/// <summary>
/// What the freshness rule (decision 31) costs a site in a day of updates. Yesterday every VM's scheduled scan left the
/// site's content clean in the cache of a real scan server. Today, updates and scheduled scans alternate on a timeline
/// (updates at (k + ½)·24/U h, VM v's scan at (v + ½)·24/V h); each update writes real signature files (random body
/// patterns and SHA-256 hash signatures that match nothing, like a real update for content that stays clean) and reloads
/// the server's engine; each scan asks for every file with <c>fresh_only</c>, as the agent's scheduled scans do, so a
/// verdict from an older database sends the content back to the engine. Engine scans are the answers not from the cache.
/// </summary>
internal static class UpdateRescanBenchmark
{
    private const string Tenant = "site";

    public static async Task<int> RunAsync(UpdateRescanSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("lightshield-bench-update-rescan-");
        try
        {
            return await RunAsync(settings, root.FullName, output, cancellationToken);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private static async Task<int> RunAsync(UpdateRescanSettings settings, string root, TextWriter output, CancellationToken cancellationToken)
    {
        var load = Format.LoadAverage();
        var database = Path.Combine(root, "database");
        CorpusBuilder.BuildDatabase(database, settings.BaseSignatures);
        var random = new Random(19);
        var common = Enumerable.Range(0, settings.CommonFiles).Select(i => Write(root, "common", i, random)).ToList();
        var vms = Enumerable.Range(0, settings.Vms)
            .Select(v => common.Concat(Enumerable.Range(0, settings.OwnFiles).Select(i => Write(root, $"vm-{v:D3}", i, random))).ToList()).ToList();
        var site = vms.SelectMany(f => f).DistinctBy(f => f.Path).ToList();
        var siteBytes = site.Sum(f => f.Size);

        await using var server = await BenchServer.StartAsync(database, tls: false);
        using var channel = server.OpenChannel();
        var client = BenchServer.Client(channel);
        var reloader = server.Services.GetRequiredService<DatabaseReloader>();

        // Warm-up (not counted): the server's workers started and the code paths compiled, so that the first scan below
        // measures scans, not start-up.
        await ScanAsync(client, [.. Enumerable.Range(0, 100).Select(i => Write(root, "warm-up", i, random))], new Tally(), cancellationToken);

        // Yesterday: every VM's scheduled scan with the database the day starts with (the site's first scan).
        var firstCpu = CpuClock.Now();
        var first = new Tally();
        foreach (var vm in vms)
        {
            await ScanAsync(client, vm, first, cancellationToken);
        }
        var firstSeconds = (CpuClock.Now() - firstCpu).Total;

        var events = Enumerable.Range(0, settings.Updates).Select(k => ((k + 0.5) * 24 / settings.Updates, -1 - k))
            .Concat(Enumerable.Range(0, settings.Vms).Select(v => ((v + 0.5) * 24 / settings.Vms, v)))
            .OrderBy(e => e.Item1).ThenBy(e => e.Item2).ToList();
        var day = new Tally();
        var perFile = new Dictionary<string, int>(StringComparer.Ordinal);
        double scanSeconds = 0;
        var newSignatureFiles = new List<string>();
        foreach (var (_, item) in events)
        {
            if (item < 0)
            {
                newSignatureFiles.AddRange(WriteUpdate(database, -1 - item, settings, random));
                await reloader.ReloadAsync(cancellationToken); // not timed: a reload replaces the workers, whose CPU leaves the count
            }
            else
            {
                var cpu = CpuClock.Now();
                await ScanAsync(client, vms[item], day, cancellationToken, perFile);
                scanSeconds += (CpuClock.Now() - cpu).Total;
            }
        }

        var engineSeconds = CompareEngines(database, newSignatureFiles, site);
        var commonRescans = common.Count == 0 ? 0 : common.Average(f => perFile.GetValueOrDefault(f.Path));
        var ownRescans = site.Count == common.Count ? 0 : site.Where(f => !f.Path.Contains("/common/", StringComparison.Ordinal)).Average(f => perFile.GetValueOrDefault(f.Path));

        output.WriteLine(FormattableString.Invariant(
            $"update-rescan: {settings.Vms} VMs, {settings.CommonFiles} common files + {settings.OwnFiles} own files per VM ({site.Count} files, {Format.MiB(siteBytes)} MiB on the site), {settings.Updates} updates of {settings.Signatures} signatures ({settings.BodyShare:P0} body), base database {settings.BaseSignatures} body signatures, {load} → {Format.LoadAverage()}"));
        var table = new MarkdownTable("what", "value");
        table.Add("site's first scan (yesterday): engine scans / files visited", FormattableString.Invariant($"{first.EngineFiles} / {first.Visits}"));
        table.Add("the day's scheduled scans: files visited", FormattableString.Invariant($"{day.Visits}"));
        table.Add("the day's engine scans: files / bytes", FormattableString.Invariant($"{day.EngineFiles} / {Format.MiB(day.EngineBytes)} MiB"));
        table.Add("**share of the site's content sent back to the engine in the day** (engine bytes ÷ site bytes)", FormattableString.Invariant($"**{day.EngineBytes / (double)siteBytes:0.00}×**"));
        table.Add("engine scans per file: common content / a VM's own content", FormattableString.Invariant($"{commonRescans:0.00} / {ownRescans:0.00}"));
        table.Add("engine scans ÷ files visited (the day's scheduled scans)", FormattableString.Invariant($"{day.EngineFiles / (double)Math.Max(day.Visits, 1):0.000}"));
        table.Add("CPU of the day's scans ÷ CPU of the site's first scan", FormattableString.Invariant($"{scanSeconds / firstSeconds:0.00} ({scanSeconds:0.0} s / {firstSeconds:0.0} s)"));
        table.Add("one pass over the site's content, in-process, full engine / engine of the day's new signatures only", FormattableString.Invariant(
            $"{engineSeconds.Full:0.00} s / {engineSeconds.Delta:0.00} s CPU ({engineSeconds.Delta / engineSeconds.Full:0.00}×)"));
        output.Write(table);
        return first.Errors + day.Errors == 0 ? 0 : 1;
    }

    private sealed class Tally
    {
        public int Visits;
        public int EngineFiles;
        public long EngineBytes;
        public int Errors;
    }

    private sealed record SiteFile(string Path, FileKey Key, long Size);

    private static SiteFile Write(string root, string owner, int index, Random random)
    {
        var directory = Path.Combine(root, "content", owner);
        Directory.CreateDirectory(directory);
        var content = new byte[(int)Math.Pow(2, 10 + (random.NextDouble() * 8))]; // 1 KiB to 256 KiB, log-uniform
        random.NextBytes(content);
        var path = Path.Combine(directory, index.ToString("D5", CultureInfo.InvariantCulture) + ".bin");
        File.WriteAllBytes(path, content);
        return new SiteFile(path, FileKey.Compute(content), content.Length);
    }

    private static async Task ScanAsync(ScanServerClient client, IReadOnlyList<SiteFile> files, Tally tally, CancellationToken cancellationToken,
        Dictionary<string, int>? perFile = null)
    {
        foreach (var file in files)
        {
            var outcome = await client.ScanAsync(file.Key, () => File.OpenRead(file.Path), Priority.Scheduled, Tenant, freshOnly: true, cancellationToken: cancellationToken);
            tally.Visits++;
            if (outcome.Kind != ScanOutcomeKind.Answered || outcome.Verdict!.Kind != VerdictKind.Clean)
            {
                tally.Errors++;
            }
            else if (!outcome.Cached)
            {
                tally.EngineFiles++;
                tally.EngineBytes += file.Size;
                if (perFile is not null)
                {
                    perFile[file.Path] = perFile.GetValueOrDefault(file.Path) + 1;
                }
            }
        }
    }

    /// <summary>One update's signature files: random 16-byte body patterns (.ndb) and SHA-256 hash signatures of random
    /// content (.hsb), matching nothing on the site.</summary>
    private static List<string> WriteUpdate(string database, int update, UpdateRescanSettings settings, Random random)
    {
        var body = (int)Math.Round(settings.Signatures * settings.BodyShare);
        var pattern = new byte[16];
        var written = new List<string>();
        Add("ndb", body, i =>
        {
            random.NextBytes(pattern);
            return FormattableString.Invariant($"Lightshield.Bench.Update{update}.Body.{i}:0:*:{Convert.ToHexStringLower(pattern)}");
        });
        Add("hsb", settings.Signatures - body, i =>
            FormattableString.Invariant($"{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}:{random.Next(1024, 1 << 20)}:Lightshield.Bench.Update{update}.Hash.{i}"));
        return written;

        void Add(string extension, int count, Func<int, string> line)
        {
            if (count > 0)
            {
                var path = Path.Combine(database, $"update-{update:D2}.{extension}");
                File.WriteAllLines(path, Enumerable.Range(0, count).Select(line));
                written.Add(path);
            }
        }
    }

    /// <summary>The option decision 31 left open: the CPU of one pass over the site's content with the full engine and
    /// with an engine of only the day's new signatures (in this process, one thread, from memory).</summary>
    private static (double Full, double Delta) CompareEngines(string database, IReadOnlyList<string> newSignatureFiles, IReadOnlyList<SiteFile> site)
    {
        var delta = Path.Combine(database, "..", "delta");
        Directory.CreateDirectory(delta);
        foreach (var file in newSignatureFiles)
        {
            File.Copy(file, Path.Combine(delta, Path.GetFileName(file)), overwrite: true);
        }
        var contents = site.Select(f => File.ReadAllBytes(f.Path)).ToList();
        if (!Directory.EnumerateFiles(delta).Any())
        {
            return (Pass(database), 0);
        }
        // Interleaved, best of three each: a new engine per pass, since libclamav remembers clean content per engine.
        double full = double.MaxValue, small = double.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            full = Math.Min(full, Pass(database));
            small = Math.Min(small, Pass(delta));
        }
        return (full, small);

        double Pass(string directory)
        {
            using var engine = ScanEngine.Load(new EngineOptions { DatabaseDirectory = directory });
            var cpu = CpuClock.Now();
            foreach (var content in contents)
            {
                engine.Scan(content);
            }
            return (CpuClock.Now() - cpu).Self;
        }
    }
}
