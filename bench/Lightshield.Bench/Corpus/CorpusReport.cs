using Lightshield.Bench.Support;

namespace Lightshield.Bench.Corpus;

internal static class CorpusReport
{
    /// <summary>Every run of every mode must report exactly the baseline's detections (same files, same names).</summary>
    public static bool CheckDetections(Dictionary<string, List<ModeRun>> runs, CorpusInfo info)
    {
        var reference = runs[ScanCorpusBenchmark.Baseline][0].Detections;
        var consistent = true;
        foreach (var run in runs.Values.SelectMany(r => r))
        {
            var missing = reference.Where(d => !run.Detections.TryGetValue(d.Key, out var name) || name != d.Value).ToList();
            var extra = run.Detections.Where(d => !reference.ContainsKey(d.Key)).ToList();
            if (missing.Count + extra.Count + run.Errors > 0)
            {
                consistent = false;
                Console.WriteLine($"DETECTIONS DIFFER: {run.Mode}: {run.Errors} errors; baseline's not matched: " +
                    $"{string.Join(", ", missing.Select(d => $"{d.Key}={d.Value} (got {run.Detections.GetValueOrDefault(d.Key) ?? "none"})"))}; " +
                    $"extra: {string.Join(", ", extra.Select(d => $"{d.Key}={d.Value}"))}");
            }
        }
        foreach (var known in new[] { "detections/eicar.com", "detections/eicar.zip", "detections/marker.txt", "detections/clam.exe" })
        {
            if (!reference.ContainsKey(known))
            {
                consistent = false;
                Console.WriteLine($"DETECTION MISSING in every mode: {known}");
            }
        }
        Console.WriteLine();
        Console.WriteLine($"detections: {reference.Count} files, {(consistent ? "IDENTICAL" : "NOT identical")} in all " +
            $"{runs.Values.Sum(r => r.Count)} passes of {runs.Count} modes (files scanned per pass: {info.Files:N0}, errors: " +
            $"{runs.Values.SelectMany(r => r).Sum(r => r.Errors)}):");
        foreach (var group in reference.OrderBy(d => d.Key, StringComparer.Ordinal).GroupBy(d => d.Value).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {group.Key} ({group.Count()}): {string.Join(", ", group.Select(d => Path.GetFileName(d.Key)))}");
        }
        return consistent;
    }

    public static void Print(Dictionary<string, List<ModeRun>> runs, CorpusInfo info, int rounds)
    {
        var baseline = runs[ScanCorpusBenchmark.Baseline];
        var table = new MarkdownTable("mode", "wall s (median)", "min–max s", "MiB/s", "wall ratio to (a)", "CPU s", "CPU ratio to (a)",
            "of which server CPU s", "uploaded MiB", "cache hits", "setup s");
        foreach (var (mode, list) in runs)
        {
            var wall = Stats.Median(list.Select(r => r.WallSeconds));
            var cpu = Stats.Median(list.Select(r => r.CpuSeconds));
            table.Add(mode, Format.Seconds(wall), $"{Format.Seconds(list.Min(r => r.WallSeconds))}–{Format.Seconds(list.Max(r => r.WallSeconds))}",
                Format.N(info.Bytes / wall / (1024 * 1024), "N1"), Format.Ratio(PairedRatio(list, baseline, r => r.WallSeconds)),
                Format.Seconds(cpu), Format.Ratio(PairedRatio(list, baseline, r => r.CpuSeconds)),
                list[0].ServerCpuSeconds > 0 ? Format.Seconds(Stats.Median(list.Select(r => r.ServerCpuSeconds))) : "–",
                list[0].Files < 0 ? "–" : Format.MiB(Stats.Median(list.Select(r => (double)r.BytesUploaded))),
                list[0].Files < 0 ? "–" : Format.N(Stats.Median(list.Select(r => (double)r.CacheHits))),
                list[0].SetupSeconds > 0 ? Format.Seconds(Stats.Median(list.Select(r => r.SetupSeconds))) : "–");
        }
        Console.WriteLine();
        Console.WriteLine($"{info.Files:N0} files, {Format.MiB(info.Bytes)} MiB, {rounds} rounds; ratios are the median over rounds of " +
            "(mode ÷ baseline of the same round); CPU is this process's and its child processes' (the scan workers, the server process " +
            "of (b2) with its workers, clamscan for (c))");
        Console.WriteLine();
        Console.Write(table);
        Console.WriteLine();
        foreach (var mode in runs.Keys.Where(m => m.StartsWith("(b)", StringComparison.Ordinal) && !m.EndsWith("second scan", StringComparison.Ordinal)))
        {
            var ratio = PairedRatio(runs[mode], baseline, r => r.WallSeconds);
            Console.WriteLine($"target: {mode} within {ScanCorpusBenchmark.Target}× of in-process libclamav: {Format.Ratio(ratio)} -> " +
                (ratio <= ScanCorpusBenchmark.Target ? "MET" : "MISSED"));
        }
    }

    /// <summary>The warm-up round: each mode's first pass in this process (JIT not settled yet). Not (b2): its
    /// server process is warmed up before every timed pass.</summary>
    public static void PrintCold(List<ModeRun> cold)
    {
        var baseline = cold.First(r => r.Mode == ScanCorpusBenchmark.Baseline);
        var table = new MarkdownTable("mode, first pass in a fresh process (warm-up round)", "wall s", "wall ratio to (a)", "CPU s", "CPU ratio to (a)");
        foreach (var run in cold.Where(r => !r.Mode.StartsWith("(b2)", StringComparison.Ordinal)))
        {
            table.Add(run.Mode, Format.Seconds(run.WallSeconds), Format.Ratio(run.WallSeconds / baseline.WallSeconds),
                Format.Seconds(run.CpuSeconds), Format.Ratio(run.CpuSeconds / baseline.CpuSeconds));
        }
        Console.WriteLine();
        Console.Write(table);
    }

    /// <summary>Median over rounds of the ratio of a mode's pass to the baseline's pass of the same round.</summary>
    public static double PairedRatio(List<ModeRun> runs, List<ModeRun> baseline, Func<ModeRun, double> value) =>
        Stats.Median(runs.Zip(baseline, (run, reference) => value(run) / value(reference)));
}
