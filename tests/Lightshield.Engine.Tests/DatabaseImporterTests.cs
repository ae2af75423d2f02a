using Lightshield.Engine.Tests.Support;
using Lightshield.Testing;
using Lightshield.Verdicts;

namespace Lightshield.Engine.Tests;

public sealed class DatabaseImporterTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _source;
    private readonly string _target;

    public DatabaseImporterTests()
    {
        _source = _temp.Subdirectory("source");
        _target = _temp.Subdirectory("target");
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Import_ValidFiles_WritesThemAndTheEngineUsesThem()
    {
        File.WriteAllText(Path.Combine(_source, "own.hsb"), $"{Samples.ClamExeSha256}:{Samples.ClamExeSize}:Own.ClamExe\n");
        File.WriteAllText(Path.Combine(_source, "own.ndb"), Samples.BodySignature("Own.Marker", "OWN-MARKER-TEXT"));

        var written = DatabaseImporter.Import(_source, _target);

        Assert.Equal(["own.hsb", "own.ndb"], written.Select(file => file.Name));
        Assert.Equal(["own.hsb", "own.ndb"], Directory.GetFiles(_target).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(1, written[0].Signatures);
        using var engine = ScanEngine.Load(new EngineOptions { DatabaseDirectory = _target });
        Assert.Equal(["Own.ClamExe.UNOFFICIAL"], engine.ScanFile(Samples.TestFile("clam.exe")).Names);
        Assert.Equal(["Own.Marker.UNOFFICIAL"], engine.Scan("xx OWN-MARKER-TEXT xx"u8).Names);
    }

    [Fact]
    public void Import_SingleFile_ReplacesExistingFileAtomically()
    {
        File.WriteAllText(Path.Combine(_target, "own.ndb"), Samples.BodySignature("Old.Marker", "OLD"));
        var source = Path.Combine(_source, "own.ndb");
        File.WriteAllText(source, Samples.BodySignature("New.Marker", "NEW-MARKER"));

        var written = Assert.Single(DatabaseImporter.Import(source, _target));

        Assert.Equal(File.ReadAllText(source), File.ReadAllText(Path.Combine(_target, "own.ndb")));
        Assert.Equal(["own.ndb"], Directory.GetFiles(_target).Select(Path.GetFileName));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(source))), written.Sha256);
    }

    [Fact]
    public void Import_MalformedFile_ThrowsNamingItAndWritesNothing()
    {
        File.WriteAllText(Path.Combine(_source, "good.ndb"), Samples.BodySignature("Good.Marker", "GOOD"));
        File.WriteAllText(Path.Combine(_source, "zbad.ndb"), "Bad.Signature:0:*:not-hex-at-all\n");

        var error = Assert.Throws<EngineException>(() => DatabaseImporter.Import(_source, _target));

        Assert.Contains("zbad.ndb", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("lightshield-import-", error.Message, StringComparison.Ordinal);
        Assert.Contains("libclamav", error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was imported", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_target));
    }

    [Fact]
    public void Import_FileWithUnknownExtension_IsRefusedAndWritesNothing()
    {
        var source = Path.Combine(_source, "notes.txt");
        File.WriteAllText(source, Samples.BodySignature("Good.Marker", "GOOD"));

        var error = Assert.Throws<EngineException>(() => DatabaseImporter.Import(source, _target));

        Assert.Contains("notes.txt", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown extension '.txt'", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_target));
    }

    [Fact]
    public void Import_DirectoryWithoutSignatureFiles_IsRefused()
    {
        File.WriteAllText(Path.Combine(_source, "notes.txt"), "hello");

        var error = Assert.Throws<EngineException>(() => DatabaseImporter.Import(_source, _target));

        Assert.Contains("contains no ClamAV signature database files", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_target));
    }

    [Fact]
    public void Import_UnsignedFileNamedCvd_IsRefused()
    {
        var container = ContainerBuilder.Build("daily", 5, new Dictionary<string, string>
        {
            ["daily.hsb"] = $"{Samples.ClamExeSha256}:{Samples.ClamExeSize}:Fake.Official\n",
        });
        var source = Path.Combine(_source, "daily.cvd");
        File.WriteAllBytes(source, container);

        var error = Assert.Throws<EngineException>(() => DatabaseImporter.Import(source, _target));

        Assert.Contains("daily.cvd", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_target));
    }

    [Fact]
    public void Import_MissingSource_Throws()
    {
        var error = Assert.Throws<EngineException>(() => DatabaseImporter.Import(_temp.File("missing.ndb"), _target));

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_StarterDatabaseDirectory_SkipsReadmeAndLoadsToTheSameVersion()
    {
        var written = DatabaseImporter.Import(Samples.StarterDatabase, _target);

        Assert.Equal(["lightshield.ldb", "lightshield.ndb"], written.Select(file => file.Name));
        Assert.False(File.Exists(Path.Combine(_target, "README.md")));

        using var engine = ScanEngine.Load(new EngineOptions { DatabaseDirectory = _target });
        Assert.Equal(DatabaseInspector.Inspect(Samples.StarterDatabase).Version, engine.Database.Version);
        Assert.Equal(VerdictKind.Infected, engine.Scan(Samples.Eicar).Kind);
    }
}
