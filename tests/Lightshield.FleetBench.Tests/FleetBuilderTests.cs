using System.Security.Cryptography;
using Lightshield.FleetBench.Fleet;

namespace Lightshield.FleetBench.Tests;

public sealed class FleetBuilderTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("lightshield-fleet-test-");

    [Fact]
    public void Every_vm_holds_the_base_image_byte_for_byte_plus_own_files_no_other_vm_has()
    {
        var source = Directory.CreateDirectory(Path.Combine(_work.FullName, "source"));
        var random = new Random(5);
        for (var i = 0; i < 600; i++)
        {
            var content = new byte[random.Next(1024, 8192)];
            random.NextBytes(content);
            File.WriteAllBytes(Path.Combine(source.FullName, $"file-{i}.bin"), content);
        }
        var spec = new FleetSpec(Vms: 3, BaseMegabytes: 0.5, SharedPercent: 50, MaxFileMegabytes: 1, Sources: [source.FullName], Seed: 1);

        var fleet = FleetBuilder.BuildOrReuse(Path.Combine(_work.FullName, "fleet"), spec, TextWriter.Null);

        Assert.Equal(["vm-00", "vm-01", "vm-02"], fleet.Vms);
        var bases = fleet.Vms.Select(vm => Contents(Path.Combine(fleet.VmDirectory(vm), "base"))).ToList();
        Assert.All(bases, b => Assert.Equal(bases[0], b));
        var owns = fleet.Vms.Select(vm => Contents(Path.Combine(fleet.VmDirectory(vm), "own"))).ToList();
        var ownHashes = owns.Select(o => o.Values.ToHashSet()).ToList();
        for (var i = 0; i < owns.Count; i++)
        {
            Assert.True(Bytes(fleet.VmDirectory(fleet.Vms[i]), "own") >= spec.UniqueBytesPerVm * 0.9, $"{fleet.Vms[i]} has too few own bytes");
            Assert.Empty(ownHashes[i].Intersect(bases[0].Values));
            for (var j = i + 1; j < owns.Count; j++)
            {
                Assert.Empty(ownHashes[i].Intersect(ownHashes[j]));
            }
        }
        Assert.All(fleet.Planted, d => Assert.True(File.Exists(Path.Combine(fleet.VmDirectory(d.Vm), d.RelativePath)), $"{d} was not planted"));
        Assert.Contains(new Detection("vm-01", "own/planted/eicar-vm-01.zip"), fleet.Planted);
    }

    [Fact]
    public void A_fleet_built_from_the_same_settings_is_reused_and_one_from_other_settings_is_rebuilt()
    {
        var source = Directory.CreateDirectory(Path.Combine(_work.FullName, "source"));
        File.WriteAllBytes(Path.Combine(source.FullName, "a.bin"), RandomNumberGenerator.GetBytes(4096));
        var root = Path.Combine(_work.FullName, "fleet");
        var spec = new FleetSpec(1, 0.01, 100, 1, [source.FullName], 1);
        FleetBuilder.BuildOrReuse(root, spec, TextWriter.Null);
        var marker = Path.Combine(root, "vm-00", "marker");
        File.WriteAllText(marker, "kept");

        FleetBuilder.BuildOrReuse(root, spec, TextWriter.Null);
        Assert.True(File.Exists(marker));

        FleetBuilder.BuildOrReuse(root, spec with { Vms = 2 }, TextWriter.Null);
        Assert.False(File.Exists(marker));
        Assert.True(Directory.Exists(Path.Combine(root, "vm-01")));
    }

    public void Dispose() => _work.Delete(recursive: true);

    /// <summary>Relative path → SHA-256 of every file under <paramref name="directory"/>.</summary>
    private static SortedDictionary<string, string> Contents(string directory) => new(
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(directory, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))),
        StringComparer.Ordinal);

    private static long Bytes(string vm, string part) =>
        Directory.EnumerateFiles(Path.Combine(vm, part), "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/planted/", StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length);
}
