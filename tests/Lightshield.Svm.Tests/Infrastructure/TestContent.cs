using System.Security.Cryptography;
using System.Text;
using Lightshield.Testing;
using Lightshield.Verdicts;

namespace Lightshield.Svm.Tests.Infrastructure;

internal static class TestContent
{
    public static readonly string StarterDatabase = Path.Combine(AppContext.BaseDirectory, "signatures");

    /// <summary>Random bytes: content no cache has seen.</summary>
    public static byte[] Unique(int size = 4096)
    {
        var bytes = new byte[size];
        RandomNumberGenerator.Fill(bytes);
        return bytes;
    }

    /// <summary>A copy of the starter database the test may change.</summary>
    public static TempDirectory CopyOfStarterDatabase()
    {
        var directory = new TempDirectory();
        foreach (var file in Directory.EnumerateFiles(StarterDatabase))
        {
            File.Copy(file, directory.File(Path.GetFileName(file)));
        }
        return directory;
    }

    /// <summary>Adds a whole-file SHA-256 hash signature (<c>.hsb</c>) for <paramref name="content"/>.</summary>
    public static void AddHashSignature(string databaseDirectory, byte[] content, string name, string fileName = "test.hsb")
    {
        var key = FileKey.Compute(content);
        File.AppendAllText(Path.Combine(databaseDirectory, fileName), $"{key.Sha256Hex()}:{content.Length}:{name}\n");
    }

    /// <summary>Adds a body signature (<c>.ndb</c>) matching <paramref name="marker"/> anywhere in any file.</summary>
    public static void AddBodySignature(string databaseDirectory, string marker, string name, string fileName = "test.ndb")
    {
        File.AppendAllText(Path.Combine(databaseDirectory, fileName), $"{name}:0:*:{Convert.ToHexStringLower(Encoding.ASCII.GetBytes(marker))}\n");
    }
}
