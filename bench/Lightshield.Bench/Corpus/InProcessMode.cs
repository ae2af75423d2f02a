using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using Lightshield.Bench.Support;
using Lightshield.Cli.Scanning;
using Lightshield.Engine;
using Lightshield.Verdicts;

namespace Lightshield.Bench.Corpus;

/// <summary>The baseline: libclamav in this process, one dedicated worker thread per core, each reading the next
/// file into a pooled buffer and scanning it from memory (<see cref="ScanEngine.Scan"/>), or letting libclamav
/// open and map it (<see cref="ScanEngine.ScanFile"/>). Each pass loads a new engine (not timed), as each server
/// pass starts a new server: libclamav keeps its own cache of clean files per engine (by MD5), so a reused engine
/// would answer a second pass over the same files mostly from that cache.</summary>
internal static class InProcessMode
{
    public static ModeRun Run(string mode, string database, string corpus, int threads, bool byPath)
    {
        var loading = Stopwatch.GetTimestamp();
        using var engine = ScanEngine.Load(new EngineOptions { DatabaseDirectory = database });
        var load = Stopwatch.GetElapsedTime(loading).TotalSeconds;
        RuntimeCounters.WaitForJitQuiet(RuntimeCounters.QuietLimit);
        var cpu = CpuClock.Now();
        var runtime = RuntimeCounters.Now();
        var started = Stopwatch.GetTimestamp();
        var detections = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var files = 0;
        var errors = 0;
        using var walk = FileWalker.Walk([corpus]).GetEnumerator();
        var walkLock = new Lock();
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(Work) { IsBackground = true, Name = "inproc-scan" }).ToArray();
        foreach (var worker in workers)
        {
            worker.Start();
        }
        foreach (var worker in workers)
        {
            worker.Join();
        }
        return new ModeRun(mode, Stopwatch.GetElapsedTime(started).TotalSeconds, (CpuClock.Now() - cpu).Total, files, errors, detections)
        {
            Runtime = RuntimeCounters.Now() - runtime,
            SetupSeconds = load,
        };

        void Work()
        {
            while (true)
            {
                string path;
                lock (walkLock)
                {
                    if (!walk.MoveNext())
                    {
                        return;
                    }
                    path = walk.Current.Path;
                }
                var verdict = byPath ? engine.ScanFile(path) : ScanFromMemory(engine, path);
                Interlocked.Increment(ref files);
                if (verdict.Kind == VerdictKind.Error)
                {
                    Interlocked.Increment(ref errors);
                }
                else if (verdict.Names.Count > 0)
                {
                    detections[Path.GetRelativePath(corpus, path)] = verdict.Names[0];
                }
            }
        }
    }

    private static Verdict ScanFromMemory(ScanEngine engine, string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.SequentialScan);
        var size = (int)RandomAccess.GetLength(handle);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        try
        {
            var read = 0;
            int n;
            while (read < size && (n = RandomAccess.Read(handle, buffer.AsSpan(read, size - read), read)) > 0)
            {
                read += n;
            }
            return engine.Scan(buffer.AsSpan(0, read), Path.GetFileName(path));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
