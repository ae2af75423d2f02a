namespace Lightshield.Bench.Support;

internal static class BenchPaths
{
    public const string ClamTestFiles = "/usr/share/clamav-testfiles";

    /// <summary>The starter database copied beside the binary (from the repository's <c>signatures/</c>).</summary>
    public static string StarterDatabase
    {
        get
        {
            var beside = Path.Combine(AppContext.BaseDirectory, "signatures");
            return Directory.Exists(beside) ? beside
                : throw new DirectoryNotFoundException($"starter database not found at {beside}; build the bench project first");
        }
    }
}
