using System.CommandLine;

namespace Lightshield.Bench.Freshness;

internal static class UpdateRescanCommand
{
    public static Command Create()
    {
        var vms = new Option<int>("--vms") { Description = "VMs of the site, each with one scheduled full scan a day, spread evenly", DefaultValueFactory = _ => 24 };
        var common = new Option<int>("--common-files") { Description = "Files every VM holds (system and package files)", DefaultValueFactory = _ => 600 };
        var own = new Option<int>("--own-files") { Description = "Files only one VM holds, per VM", DefaultValueFactory = _ => 50 };
        var updates = new Option<int>("--updates") { Description = "Signature updates in the day, spread evenly", DefaultValueFactory = _ => 4 };
        var signatures = new Option<int>("--signatures") { Description = "New signatures per update", DefaultValueFactory = _ => 200 };
        var bodyShare = new Option<double>("--body-share") { Description = "Share of the new signatures that are body signatures (.ndb); the rest are SHA-256 hash signatures (.hsb)", DefaultValueFactory = _ => 0.5 };
        var baseSignatures = new Option<int>("--base-signatures") { Description = "Synthetic body signatures in the database the day starts with (the load of a production database)", DefaultValueFactory = _ => 100_000 };
        var command = new Command("update-rescan", """
            The share of old-clean content that a day of signature updates sends back to the engine (decision 31): a real scan
            server (real libclamav) holds the site's verdicts from yesterday; through the day, --updates updates add --signatures
            new signatures each and the --vms VMs run their scheduled scans (fresh_only) between them. Reports the engine scans
            the day costs against the site's content, and the engine CPU they cost against the site's first scan in the same
            run; then a second engine holding only the day's new signatures against the full engine, on the same content.
            """) { vms, common, own, updates, signatures, bodyShare, baseSignatures };
        command.SetAction((parse, cancellationToken) => UpdateRescanBenchmark.RunAsync(new UpdateRescanSettings(
            Math.Clamp(parse.GetValue(vms), 1, 1000), Math.Clamp(parse.GetValue(common), 0, 100_000), Math.Clamp(parse.GetValue(own), 0, 10_000),
            Math.Clamp(parse.GetValue(updates), 0, 48), Math.Clamp(parse.GetValue(signatures), 1, 100_000), Math.Clamp(parse.GetValue(bodyShare), 0, 1),
            Math.Clamp(parse.GetValue(baseSignatures), 0, 10_000_000)), Console.Out, cancellationToken));
        return command;
    }
}
