using System.Diagnostics;
using System.Security.Cryptography;
using Lightshield.Bench.Support;
using Lightshield.Engine;
using Lightshield.Verdicts;

namespace Lightshield.Bench.Corpus;

/// <summary>The CPU cost of each step of the scan path over the whole corpus, one thread, content already in
/// memory (no I/O, no transport): what the scan server path adds to the libclamav scan that both paths do.</summary>
internal static class Breakdown
{
    private const int Repeats = 3;

    public static void Run(string database, string corpus)
    {
        var contents = Directory.EnumerateFiles(corpus, "*", SearchOption.AllDirectories).Select(File.ReadAllBytes).ToArray();
        var bytes = contents.Sum(c => (long)c.Length);
        var largest = contents.Max(c => c.Length);
        var copy = new byte[largest];
        ScanEngine? engine = null;
        var steps = new (string Name, string Where, Action<byte[]> Step)[]
        {
            // A new engine for each repeat: a reused one would answer from libclamav's own cache of clean files.
            ("libclamav scan (ScanEngine.Scan)", "both paths", c => engine!.Scan(c)),
            ("SHA-256 + size (FileKey.Compute)", "client: the file key", c => FileKey.Compute(c)),
            ("SHA-256 + MD5 of the received bytes", "server: key check, MD5 for the cache", ServerDigest),
            ("two copies of the content", "client chunk → ByteString, server chunks → buffer", c => { c.CopyTo(copy, 0); c.CopyTo(copy, 0); }),
        };
        var table = new MarkdownTable("step", "done by", "CPU s per corpus (1 thread)", "MiB/s", "ratio to the scan");
        double? scan = null;
        foreach (var (name, where, step) in steps)
        {
            var seconds = Enumerable.Range(0, Repeats).Min(_ =>
            {
                using var fresh = ScanEngine.Load(new EngineOptions { DatabaseDirectory = database });
                engine = fresh;
                return Time(contents, step);
            });
            scan ??= seconds;
            table.Add(name, where, Format.Seconds(seconds), Format.N(bytes / seconds / (1024 * 1024)), Format.Ratio(seconds / scan.Value, "0.000"));
        }
        Console.WriteLine();
        Console.WriteLine($"CPU cost of each step, {contents.Length:N0} files, {Format.MiB(bytes)} MiB in memory, best of {Repeats}:");
        Console.WriteLine();
        Console.Write(table);
    }

    private static double Time(byte[][] contents, Action<byte[]> step)
    {
        var started = Stopwatch.GetTimestamp();
        foreach (var content in contents)
        {
            step(content);
        }
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static void ServerDigest(byte[] content)
    {
        Span<byte> sha256 = stackalloc byte[32];
        Span<byte> md5 = stackalloc byte[16];
        SHA256.HashData(content, sha256);
#pragma warning disable CA5351 // as the scan server: MD5 identifies content for ClamAV's .hdb signatures
        MD5.HashData(content, md5);
#pragma warning restore CA5351
    }
}
