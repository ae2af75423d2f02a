using System.IO.Compression;
using System.Text;
using Lightshield.Testing;

namespace Lightshield.Engine.Tests.Support;

/// <summary>Test content and the signature databases the tests scan it with.</summary>
internal static class Samples
{
    public const string EicarName = TestSamples.EicarName;
    public const string MarkerName = "Lightshield.Test.Marker.UNOFFICIAL";
    public const string LogicalName = "Lightshield.Test.Logical.UNOFFICIAL";
    public const string TestFiles = "/usr/share/clamav-testfiles";

    /// <summary>SHA-256 and size of ClamAV's harmless test executable clam.exe.</summary>
    public const string ClamExeSha256 = "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495";
    public const long ClamExeSize = 544;

    public static byte[] Eicar { get; } = TestSamples.Eicar();

    public static byte[] Marker { get; } = Encoding.ASCII.GetBytes("report.txt LIGHTSHIELD-TEST-MARKER-5f1c7a end");

    public static byte[] CleanText { get; } = Encoding.ASCII.GetBytes("Quarterly report: nothing to see here.\n");

    /// <summary>The repository's starter database (signatures/).</summary>
    public static string StarterDatabase { get; } = FindStarterDatabase();

    public static string TestFile(string name) => Path.Combine(TestFiles, name);

    /// <summary>Copies the starter database into <paramref name="directory"/>.</summary>
    public static void CopyStarterDatabase(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(StarterDatabase))
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
        }
    }

    /// <summary>An .ndb line that detects <paramref name="text"/> anywhere in a file.</summary>
    public static string BodySignature(string name, string text) =>
        $"{name}:0:*:{Convert.ToHexStringLower(Encoding.ASCII.GetBytes(text))}\n";

    /// <summary>A zip holding one member.</summary>
    public static byte[] Zip(string memberName, byte[] member)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry(memberName, CompressionLevel.Optimal).Open();
            entry.Write(member);
        }
        return buffer.ToArray();
    }

    /// <summary><paramref name="member"/> wrapped in <paramref name="depth"/> nested zips.</summary>
    public static byte[] NestedZip(byte[] member, int depth)
    {
        var content = Zip("inner.txt", member);
        for (var level = 2; level <= depth; level++)
        {
            content = Zip($"level{level - 1}.zip", content);
        }
        return content;
    }

    private static string FindStarterDatabase()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "signatures");
            if (File.Exists(Path.Combine(candidate, "lightshield.ndb")))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("The repository's signatures/ directory was not found above " + AppContext.BaseDirectory);
    }
}
