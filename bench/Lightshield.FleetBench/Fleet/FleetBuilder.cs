using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Lightshield.FleetBench.Fleet;

/// <summary>
/// Builds a fleet of VM directories from real files: a base image (the same files, byte for byte, in every VM, as VMs
/// made from one cloud image) and each VM's own files (different files, as each VM installs its own software), plus
/// planted test detections in both parts. Every file is a real copy (no hard links: VMs have their own disks).
/// </summary>
internal static class FleetBuilder
{
    public const string ClamTestFiles = "/usr/share/clamav-testfiles";
    private const string KeyFile = "fleet.key";

    private static readonly string[] BasePlantedArchives = ["eicar.com", "eicar.zip", "clamav-testfiles.zip", "clamav-testfiles.tar.gz"];

    public static readonly byte[] Eicar = Encoding.ASCII.GetBytes(@"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");

    /// <summary>Builds the fleet under <paramref name="root"/>, or reuses the one there when it was built from the same spec.</summary>
    public static Fleet BuildOrReuse(string root, FleetSpec spec, TextWriter log)
    {
        var vms = Enumerable.Range(0, spec.Vms).Select(VmName).ToList();
        var keyPath = Path.Combine(root, KeyFile);
        if (!File.Exists(keyPath) || File.ReadAllText(keyPath) != spec.Key)
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
            Directory.CreateDirectory(root);
            Build(root, spec, vms, log);
            File.WriteAllText(keyPath, spec.Key);
        }
        else
        {
            log.WriteLine($"fleet: reusing {root} ({spec.Key})");
        }
        var (files, bytes) = vms.Aggregate((0, 0L), (sum, vm) =>
        {
            var (f, b) = Fleet.Measure(Path.Combine(root, vm));
            return (sum.Item1 + f, sum.Item2 + b);
        });
        var minimum = vms.Min(vm => Fleet.Measure(Path.Combine(root, vm)).Files);
        return new Fleet(root, vms, minimum, bytes, files, Planted(vms));
    }

    public static string VmName(int index) => $"vm-{index:D2}";

    /// <summary>Every planted file, in every VM: the base image's and each VM's own.</summary>
    public static IReadOnlySet<Detection> Planted(IReadOnlyList<string> vms)
    {
        var planted = new SortedSet<Detection>();
        foreach (var vm in vms)
        {
            foreach (var name in BasePlantedNames())
            {
                planted.Add(new Detection(vm, $"base/planted/{name}"));
            }
            planted.Add(new Detection(vm, $"own/planted/{OwnPlantedName(vm)}"));
        }
        return planted;
    }

    private static void Build(string root, FleetSpec spec, List<string> vms, TextWriter log)
    {
        var random = new Random(spec.Seed);
        // The planted files are detections on purpose: copies of them among the candidates would be unplanned ones.
        var seen = Directory.EnumerateFiles(ClamTestFiles).Select(f => File.ReadAllBytes(f)).Append(Eicar)
            .Select(content => Convert.ToHexStringLower(SHA256.HashData(content))).ToHashSet(StringComparer.Ordinal);
        var candidates = new Queue<(string Source, FileInfo File)>(spec.Sources
            .SelectMany(source => Candidates(source, spec.MaxFileBytes).Select(file => (source, file)))
            .OrderBy(_ => random.Next()));

        var image = Path.Combine(root, "image");
        var baseBytes = Fill(Path.Combine(image, "base"), spec.BaseBytes, candidates, spec.Sources, seen);
        WriteBasePlanted(Path.Combine(image, "base", "planted"));
        log.WriteLine($"fleet: base image {baseBytes / 1048576.0:0.0} MiB; copying it into {vms.Count} VMs");
        foreach (var vm in vms)
        {
            var directory = Path.Combine(root, vm);
            CopyTree(Path.Combine(image, "base"), Path.Combine(directory, "base"));
            var own = Fill(Path.Combine(directory, "own"), spec.UniqueBytesPerVm, candidates, spec.Sources, seen);
            var planted = Directory.CreateDirectory(Path.Combine(directory, "own", "planted"));
            // EICAR in a zip whose member is named after the VM: a detection whose bytes exist in this VM only.
            File.WriteAllBytes(Path.Combine(planted.FullName, OwnPlantedName(vm)), Zip([($"{vm}.com", Eicar)]));
            if (own < spec.UniqueBytesPerVm * 0.9)
            {
                log.WriteLine($"fleet: warning: {vm} got only {own / 1048576.0:0.0} MiB of own files (sources exhausted)");
            }
        }
        Directory.Delete(image, recursive: true);
    }

    private static string OwnPlantedName(string vm) => $"eicar-{vm}.zip";

    private static IEnumerable<string> BasePlantedNames() =>
        BasePlantedArchives.Concat(Directory.EnumerateFiles(ClamTestFiles).Select(f => "testfiles/" + Path.GetFileName(f)));

    /// <summary>EICAR plain and zipped, every file of clamav-testfiles as it is and inside a zip and a tar.gz.</summary>
    private static void WriteBasePlanted(string directory)
    {
        Directory.CreateDirectory(Path.Combine(directory, "testfiles"));
        File.WriteAllBytes(Path.Combine(directory, "eicar.com"), Eicar);
        File.WriteAllBytes(Path.Combine(directory, "eicar.zip"), Zip([("eicar.com", Eicar)]));
        var testFiles = Directory.EnumerateFiles(ClamTestFiles).Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))).ToList();
        foreach (var (name, content) in testFiles)
        {
            File.WriteAllBytes(Path.Combine(directory, "testfiles", name), content);
        }
        File.WriteAllBytes(Path.Combine(directory, "clamav-testfiles.zip"), Zip(testFiles));
        using var tar = new MemoryStream();
        using (var gzip = new GZipStream(tar, CompressionLevel.Optimal, leaveOpen: true))
        {
            System.Formats.Tar.TarFile.CreateFromDirectory(Path.Combine(directory, "testfiles"), gzip, includeBaseDirectory: false);
        }
        File.WriteAllBytes(Path.Combine(directory, "clamav-testfiles.tar.gz"), tar.ToArray());
    }

    /// <summary>Copies the next candidates (distinct contents only) into <paramref name="target"/> until
    /// <paramref name="budget"/> bytes; returns the bytes copied.</summary>
    private static long Fill(string target, long budget, Queue<(string Source, FileInfo File)> candidates, string[] sources, HashSet<string> seen)
    {
        Directory.CreateDirectory(target);
        long bytes = 0;
        while (bytes < budget && candidates.TryDequeue(out var candidate))
        {
            if (bytes + candidate.File.Length > budget * 1.02)
            {
                continue;
            }
            var index = Array.IndexOf(sources, candidate.Source);
            var relative = Path.Combine($"{index}-{Path.GetFileName(candidate.Source.TrimEnd('/'))}", Path.GetRelativePath(candidate.Source, candidate.File.FullName));
            if (TryCopyDistinct(candidate.File.FullName, Path.Combine(target, relative), seen))
            {
                bytes += candidate.File.Length;
            }
        }
        return bytes;
    }

    private static List<FileInfo> Candidates(string source, long maxFileBytes)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.ReparsePoint, // regular files only, no symbolic links
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

    private static void CopyTree(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    private static byte[] Zip(IEnumerable<(string Name, byte[] Content)> members)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in members)
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(content);
            }
        }
        return buffer.ToArray();
    }
}
