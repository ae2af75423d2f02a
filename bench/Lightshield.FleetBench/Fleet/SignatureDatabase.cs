using System.Globalization;
using System.Security.Cryptography;

namespace Lightshield.FleetBench.Fleet;

/// <summary>
/// The one database every mode loads: the starter database, an .hsb with the SHA-256 of ClamAV's harmless test
/// executable <c>clam.exe</c> (so that clamav-testfiles are detected, inside archives too) and, optionally, a
/// synthetic bulk generated deterministically: <paramref name="HashSignatures"/> random MD5 hash signatures (.hdb)
/// and <paramref name="BodySignatures"/> random 16-byte body signatures (.ndb). They match nothing in the fleet; they
/// give each loaded engine the memory and load time of a production database, which is what a per-VM antivirus pays
/// once per VM.
/// </summary>
internal sealed record SignatureDatabaseSpec(int HashSignatures, int BodySignatures, int Seed = 11)
{
    public string Key => FormattableString.Invariant($"hdb={HashSignatures} ndb={BodySignatures} seed={Seed}");
}

internal static class SignatureDatabase
{
    private const string KeyFile = "database.key";

    /// <summary>The starter database as copied beside this program by the scan server's project.</summary>
    public static string StarterDatabase => Path.Combine(AppContext.BaseDirectory, "signatures");

    public static string BuildOrReuse(string directory, SignatureDatabaseSpec spec, TextWriter log)
    {
        var keyPath = Path.Combine(directory, "..", Path.GetFileName(directory) + "." + KeyFile);
        if (Directory.Exists(directory) && File.Exists(keyPath) && File.ReadAllText(keyPath) == spec.Key)
        {
            log.WriteLine($"database: reusing {directory} ({spec.Key})");
            return directory;
        }
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.EnumerateFiles(StarterDatabase).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        }
        var clamExe = File.ReadAllBytes(Path.Combine(FleetBuilder.ClamTestFiles, "clam.exe"));
        File.WriteAllText(Path.Combine(directory, "fleet.hsb"),
            FormattableString.Invariant($"{Convert.ToHexStringLower(SHA256.HashData(clamExe))}:{clamExe.Length}:Lightshield.FleetBench.ClamExe\n"));
        var random = new Random(spec.Seed);
        if (spec.HashSignatures > 0)
        {
            using var writer = new StreamWriter(Path.Combine(directory, "fleet-synthetic.hdb"));
            Span<byte> md5 = stackalloc byte[16];
            for (var i = 0; i < spec.HashSignatures; i++)
            {
                random.NextBytes(md5);
                writer.Write(Convert.ToHexStringLower(md5));
                writer.Write(':');
                writer.Write(random.Next(64, 4 * 1024 * 1024).ToString(CultureInfo.InvariantCulture));
                writer.Write(":Lightshield.FleetBench.Hash.");
                writer.Write(i.ToString(CultureInfo.InvariantCulture));
                writer.Write('\n');
            }
        }
        if (spec.BodySignatures > 0)
        {
            using var writer = new StreamWriter(Path.Combine(directory, "fleet-synthetic.ndb"));
            var pattern = new byte[16];
            for (var i = 0; i < spec.BodySignatures; i++)
            {
                random.NextBytes(pattern);
                writer.Write(FormattableString.Invariant($"Lightshield.FleetBench.Body.{i}:0:*:{Convert.ToHexStringLower(pattern)}\n"));
            }
        }
        File.WriteAllText(keyPath, spec.Key);
        log.WriteLine($"database: built {directory} ({spec.Key})");
        return directory;
    }
}
