using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Lightshield.Bench.Support;

namespace Lightshield.Bench.Corpus;

/// <summary>A corpus of new files (copies of real binaries, libraries and text, distinct contents only, so that
/// every file is a scan in every mode) plus known detections, and the database that detects them.</summary>
internal sealed record CorpusInfo(string Root, string Database, int Files, long Bytes, int ExpectedDetectionsAtLeast)
{
    /// <summary>Random files, none of them in the corpus: to warm up a fresh scan server process.</summary>
    public string Warmup => Path.Combine(Path.GetDirectoryName(Root)!, "warmup");
}

internal static class CorpusBuilder
{
    public const string ClamExeSignature = "Lightshield.Bench.ClamExe";

    private static readonly byte[] Eicar = Encoding.ASCII.GetBytes(@"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");

    public static CorpusInfo Build(string root, string[] sources, int maxFiles, long maxBytes, long maxFileBytes, int seed)
    {
        var corpus = Path.Combine(root, "corpus");
        Directory.CreateDirectory(corpus);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var files = 0;
        long bytes = 0;
        (files, bytes) = AddDetections(Path.Combine(corpus, "detections"), seen);
        var expected = files;

        // Candidates from every source, shuffled (seeded) and interleaved: a mix of large libraries and small text.
        var random = new Random(seed);
        var queues = sources.Select((source, i) => new Queue<FileInfo>(Candidates(source, maxFileBytes).OrderBy(_ => random.Next()))).ToArray();
        var names = sources.Select((source, i) => $"{i}-{Path.GetFileName(source.TrimEnd('/'))}").ToArray();
        while (files < maxFiles && queues.Any(q => q.Count > 0))
        {
            for (var i = 0; i < queues.Length && files < maxFiles; i++)
            {
                if (!queues[i].TryDequeue(out var file) || bytes + file.Length > maxBytes)
                {
                    continue;
                }
                var target = Path.Combine(corpus, names[i], Path.GetRelativePath(sources[i], file.FullName));
                if (TryCopyDistinct(file.FullName, target, seen))
                {
                    files++;
                    bytes += file.Length;
                }
            }
        }
        return new CorpusInfo(corpus, Path.Combine(root, "database"), files, bytes, expected);
    }

    /// <summary>300 files of random content, 1 KiB to 2 MiB (log-uniform), for warm-up passes.</summary>
    public static void BuildWarmup(string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }
        Directory.CreateDirectory(directory);
        var random = new Random(3);
        for (var i = 0; i < 300; i++)
        {
            var content = new byte[(int)Math.Pow(2, 10 + (random.NextDouble() * 11))];
            random.NextBytes(content);
            File.WriteAllBytes(Path.Combine(directory, $"warmup-{i:D3}.bin"), content);
        }
    }

    /// <summary>The starter database, an .hsb with the SHA-256 of ClamAV's harmless test executable clam.exe and,
    /// with <paramref name="synthetic"/> above 0, that many random 16-byte body signatures (which match nothing) as a
    /// stand-in for the load of a production database on the matcher. Written anew each run.</summary>
    public static void BuildDatabase(string database, int synthetic)
    {
        if (Directory.Exists(database))
        {
            Directory.Delete(database, recursive: true);
        }
        Directory.CreateDirectory(database);
        foreach (var file in Directory.EnumerateFiles(BenchPaths.StarterDatabase))
        {
            File.Copy(file, Path.Combine(database, Path.GetFileName(file)), overwrite: true);
        }
        var clamExe = File.ReadAllBytes(Path.Combine(BenchPaths.ClamTestFiles, "clam.exe"));
        File.WriteAllText(Path.Combine(database, "bench.hsb"),
            $"{Convert.ToHexStringLower(SHA256.HashData(clamExe))}:{clamExe.Length}:{ClamExeSignature}\n");
        if (synthetic > 0)
        {
            var random = new Random(11);
            var pattern = new byte[16];
            using var writer = new StreamWriter(Path.Combine(database, "bench-synthetic.ndb"));
            for (var i = 0; i < synthetic; i++)
            {
                random.NextBytes(pattern);
                writer.Write($"Lightshield.Bench.Synthetic.{i}:0:*:{Convert.ToHexStringLower(pattern)}\n");
            }
        }
    }

    /// <summary>EICAR (plain and zipped), a marker file and every file of clamav-testfiles.</summary>
    private static (int Files, long Bytes) AddDetections(string directory, HashSet<string> seen)
    {
        Directory.CreateDirectory(directory);
        var count = 0;
        long bytes = 0;
        Add("eicar.com", Eicar);
        Add("eicar.zip", Zip("eicar.com", Eicar));
        Add("marker.txt", Encoding.ASCII.GetBytes("report LIGHTSHIELD-TEST-MARKER-5f1c7a end\n"));
        foreach (var file in Directory.EnumerateFiles(BenchPaths.ClamTestFiles).Order(StringComparer.Ordinal))
        {
            Add(Path.GetFileName(file), File.ReadAllBytes(file));
        }
        return (count, bytes);

        void Add(string name, byte[] content)
        {
            if (seen.Add(Convert.ToHexStringLower(SHA256.HashData(content))))
            {
                File.WriteAllBytes(Path.Combine(directory, name), content);
                count++;
                bytes += content.Length;
            }
        }
    }

    private static List<FileInfo> Candidates(string source, long maxFileBytes)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.ReparsePoint, // no symbolic links: regular files only
        };
        return new DirectoryInfo(source).EnumerateFiles("*", options)
            .Where(f => f.Length > 0 && f.Length <= maxFileBytes)
            .OrderBy(f => f.FullName, StringComparer.Ordinal)
            .ToList();
    }

    private static bool TryCopyDistinct(string source, string target, HashSet<string> seen)
    {
        try
        {
            var content = File.ReadAllBytes(source);
            if (!seen.Add(Convert.ToHexStringLower(SHA256.HashData(content))))
            {
                return false;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, content);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static byte[] Zip(string name, byte[] member)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry(name).Open();
            entry.Write(member);
        }
        return buffer.ToArray();
    }
}
