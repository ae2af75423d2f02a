using System.CommandLine;
using System.Diagnostics;
using Lightshield.CommandLine;
using Lightshield.FleetBench.Fleet;

namespace Lightshield.FleetBench;

internal static class FleetCommand
{
    public static Command Create()
    {
        var vms = new Option<int>("--vms") { Description = "VMs in the fleet", DefaultValueFactory = _ => 10 };
        var baseMb = new Option<double>("--base-mb") { Description = "MiB of the base image every VM is made from", DefaultValueFactory = _ => 300 };
        var shared = new Option<double>("--shared-percent")
        {
            Description = "Share of each VM's bytes that are the base image's; the rest are the VM's own files",
            DefaultValueFactory = _ => 80,
        };
        var maxFileMb = new Option<double>("--max-file-mb") { Description = "Largest file copied into the fleet, MiB", DefaultValueFactory = _ => 8 };
        var sources = new ListOption("--sources", "Directories the fleet's files are copied from", FleetSpec.DefaultSources);
        sources.AcceptExistingDirectoriesOnly();
        var seed = new Option<int>("--seed") { Description = "Seed of the file selection", DefaultValueFactory = _ => 1 };
        var hashes = new Option<int>("--hash-signatures") { Description = "Synthetic MD5 hash signatures (.hdb) in the database; 0 = none" };
        var bodies = new Option<int>("--body-signatures") { Description = "Synthetic 16-byte body signatures (.ndb) in the database; 0 = none" };
        var work = new Option<string>("--work")
        {
            Description = "Where the fleet and the database are built (kept and reused while their settings are the same)",
            DefaultValueFactory = _ => "/var/tmp/lightshield-fleet-bench",
        };
        var modes = new ListOption("--modes", "Modes to run, in this order (floor: the physical floor of a first scan, always first)",
            ["floor", "classic", "central-clamd", "lightshield"]);
        modes.AcceptOnlyFromAmong("floor", "classic", "central-clamd", "lightshield", "lightshield-tenants");
        var tenants = new Option<int>("--tenants")
        {
            Description = "Tenants the VMs are spread over in the lightshield-tenants mode; 0 = one tenant per VM",
        };
        var shareAfter = new Option<int>("--share-after")
        {
            Description = "K of the lightshield-tenants mode: tenants that must have uploaded content before its verdict is shared across tenants",
            DefaultValueFactory = _ => 3,
        };
        tenants.AcceptRange(0, 10_000);
        shareAfter.AcceptRange(1, 1000);
        var output = new Option<string>("--output") { Description = "Directory for the JSON, Markdown and PNG results", DefaultValueFactory = _ => "docs/benchmarks" };
        var name = new Option<string>("--name") { Description = "File name (without extension) of the results", DefaultValueFactory = _ => "fleet" };
        var command = new Command("run", """
            Builds a fleet of VM directories from one base image and scans it twice (the second time unchanged) with a
            per-VM ClamAV (clamscan), a central clamd fed by clamdscan --stream, and Lightshield (one scan server, one
            agent process per VM; lightshield-tenants: the same with the VMs in several tenants), against the floor (one clamscan
            of the distinct bytes + sha256sum of every byte); reports CPU, VM-side CPU per file, write calls and bytes per VM
            (/proc/PID/io) and of the block device, bytes read, network bytes, summed peak memory, wall time and detections.
            """)
        {
            vms, baseMb, shared, maxFileMb, sources, seed, hashes, bodies, work, modes, tenants, shareAfter, output, name,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            EnsurePackages();
            var settings = new FleetBenchSettings(
                new FleetSpec(parse.GetValue(vms), parse.GetValue(baseMb), parse.GetValue(shared), parse.GetValue(maxFileMb), [.. sources.ValueIn(parse)],
                    parse.GetValue(seed)),
                new SignatureDatabaseSpec(parse.GetValue(hashes), parse.GetValue(bodies)),
                Path.GetFullPath(parse.GetValue(work)!), [.. modes.ValueIn(parse)], Path.GetFullPath(parse.GetValue(output)!), parse.GetValue(name)!,
                $"dotnet run -c Release --project bench/Lightshield.FleetBench -- run {string.Join(' ', parse.Tokens.Skip(1).Select(t => t.Value))}".TrimEnd(),
                parse.GetValue(tenants), parse.GetValue(shareAfter));
            return await FleetBenchmark.RunAsync(settings, cancellationToken);
        });
        return command;
    }

    /// <summary>ClamAV's scanner, daemon and client, and the test files, installed by the repository's script if missing.</summary>
    private static void EnsurePackages()
    {
        var script = Path.Combine(RepositoryRoot(), "scripts", "ensure-packages.sh");
        using var process = Process.Start("bash", [script, "clamav", "clamav-daemon", "clamdscan", "clamav-testfiles", "iproute2"]);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed ({process.ExitCode})");
        }
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Lightshield.slnx")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
