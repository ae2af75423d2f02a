using Lightshield.Engine.Tests.Support;
using Lightshield.Testing;
using Lightshield.Verdicts;

namespace Lightshield.Engine.Tests;

public sealed class ScanEngineLoadTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_MalformedNdb_ThrowsNamingTheFileAndProblem()
    {
        Samples.CopyStarterDatabase(_temp.Path);
        _temp.Write("broken.ndb", "Broken.Signature:0:*:this-is-not-hex\n");

        var error = Assert.Throws<EngineException>(() => ScanEngine.Load(new EngineOptions { DatabaseDirectory = _temp.Path }));

        Assert.Contains("broken.ndb", error.Message, StringComparison.Ordinal);
        Assert.Contains("Malformed database", error.Message, StringComparison.Ordinal);
        Assert.Contains(_temp.Path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingDirectory_Throws()
    {
        var missing = _temp.File("nope");

        var error = Assert.Throws<EngineException>(() => ScanEngine.Load(new EngineOptions { DatabaseDirectory = missing }));

        Assert.Equal($"Signature database directory '{missing}' does not exist.", error.Message);
    }

    [Fact]
    public void Load_DirectoryWithoutSignatureFiles_Throws()
    {
        _temp.Write("README.md", "nothing here");

        var error = Assert.Throws<EngineException>(() => ScanEngine.Load(new EngineOptions { DatabaseDirectory = _temp.Path }));

        Assert.Contains("contains no ClamAV signature files", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OnlyComments_ThrowsNoSignaturesLoaded()
    {
        _temp.Write("empty.ndb", "# nothing yet\n");

        var error = Assert.Throws<EngineException>(() => ScanEngine.Load(new EngineOptions { DatabaseDirectory = _temp.Path }));

        Assert.Equal($"No signatures were loaded from '{_temp.Path}' (files: empty.ndb).", error.Message);
    }

    [Fact]
    public void Load_InvalidOptions_ReportsEveryErrorAtOnce()
    {
        var options = new EngineOptions
        {
            DatabaseDirectory = "",
            MaxFileSize = 0,
            MaxRecursion = -1,
            MaxScanTime = TimeSpan.Zero,
            TemporaryDirectory = "relative/tmp",
        };

        var error = Assert.Throws<EngineException>(() => ScanEngine.Load(options));

        Assert.Equal(5, options.Validate().Count);
        foreach (var name in (string[])["DatabaseDirectory", "MaxFileSize", "MaxRecursion", "MaxScanTime", "TemporaryDirectory"])
        {
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_Defaults_AreValidAndDocumentedValues()
    {
        var options = new EngineOptions { DatabaseDirectory = "/var/lib/lightshield/signatures" };

        Assert.Empty(options.Validate());
        Assert.Equal(100L * 1024 * 1024, options.MaxFileSize);
        Assert.Equal(400L * 1024 * 1024, options.MaxScanSize);
        Assert.Equal(17, options.MaxRecursion);
        Assert.Equal(10_000, options.MaxFiles);
        Assert.Equal(TimeSpan.FromSeconds(120), options.MaxScanTime);
        Assert.True(options.Heuristics);
        Assert.False(options.DetectPua);
        Assert.True(options.ScanArchives);
        Assert.True(options.AlertExceedsMax);
        Assert.Null(options.TemporaryDirectory);
    }

    [Fact]
    public void Load_DefaultTemporaryDirectory_IsPrivateAndRemovedOnDispose()
    {
        var root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();

        using var engine = ScanEngine.Load(new EngineOptions { DatabaseDirectory = Samples.StarterDatabase });
        var created = engine.TemporaryDirectory;
        var mode = File.GetUnixFileMode(created);
        Assert.Equal(Path.TrimEndingDirectorySeparator(root), Path.GetDirectoryName(created));
        Assert.Equal(VerdictKind.Infected, engine.Scan(Samples.Zip("eicar.com", Samples.Eicar)).Kind);
        engine.Dispose();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, mode);
        Assert.False(Directory.Exists(created));
    }

    [Fact]
    public void Load_DefaultTemporaryDirectory_RemovesThoseOfDeadProcesses()
    {
        var root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var deadProcess = Enumerable.Range(4_000_000, 1000).First(id => !Directory.Exists($"/proc/{id}"));
        var stale = Directory.CreateDirectory(Path.Combine(root, $"lightshield-engine-{deadProcess}-0123456789abcdef")).FullName;
        File.WriteAllText(Path.Combine(stale, "leftover"), "x");
        var alive = Directory.CreateDirectory(Path.Combine(root, $"lightshield-engine-{Environment.ProcessId}-fedcba9876543210")).FullName;
        try
        {
            using var engine = ScanEngine.Load(new EngineOptions { DatabaseDirectory = Samples.StarterDatabase });

            Assert.False(Directory.Exists(stale));
            Assert.True(Directory.Exists(alive));
        }
        finally
        {
            Directory.Delete(alive, recursive: true);
            if (Directory.Exists(stale))
            {
                Directory.Delete(stale, recursive: true);
            }
        }
    }

    [Fact]
    public void Load_GivenTemporaryDirectory_IsCreatedUsedAndKept()
    {
        var temporary = _temp.File("scratch");

        using (var engine = ScanEngine.Load(new EngineOptions { DatabaseDirectory = Samples.StarterDatabase, TemporaryDirectory = temporary }))
        {
            Assert.Equal(VerdictKind.Infected, engine.Scan(Samples.NestedZip(Samples.Eicar, depth: 3)).Kind);
        }

        Assert.True(Directory.Exists(temporary));
        Assert.Empty(Directory.GetFileSystemEntries(temporary));
    }
}
