using System.Diagnostics;
using Lightshield.Bench.Support;

namespace Lightshield.Bench.Corpus;

/// <summary>ClamAV's own <c>clamscan</c> (one thread by design) with the same database and the same verdict-affecting
/// settings as the engine's defaults; its database load is part of its wall time.</summary>
internal static class ClamscanMode
{
    public const string Executable = "/usr/bin/clamscan";

    public static async Task<ModeRun> RunAsync(string mode, string database, string target, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments(database, target))
        {
            start.ArgumentList.Add(argument);
        }
        RuntimeCounters.WaitForJitQuiet(RuntimeCounters.QuietLimit);
        var cpu = CpuClock.Now();
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var used = (CpuClock.Now() - cpu).Children;
        if (process.ExitCode > 1)
        {
            throw new InvalidOperationException($"clamscan exited with {process.ExitCode}: {await stderr}");
        }
        var detections = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = 0;
        foreach (var line in (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            const string Found = " FOUND";
            var separator = line.LastIndexOf(": ", StringComparison.Ordinal);
            if (line.EndsWith(Found, StringComparison.Ordinal) && separator > 0)
            {
                var name = line[(separator + 2)..^Found.Length];
                detections[Path.GetRelativePath(target, line[..separator])] = name;
            }
            else if (line.EndsWith(" ERROR", StringComparison.Ordinal))
            {
                errors++;
            }
        }
        return new ModeRun(mode, wall, used, -1, errors, detections);
    }

    /// <summary>The command line, for the report.</summary>
    public static string[] Arguments(string database, string target) =>
        ["--no-summary", "--infected", "--recursive", "--alert-exceeds-max=yes", "-d", database, target];
}
