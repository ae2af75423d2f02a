using Lightshield.Engine.Tests.Support;
using Lightshield.Testing;
using Lightshield.Verdicts;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Engine.Tests;

public sealed class ScanEngineScanTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));
    private readonly TempDirectory _temp = new();
    private readonly ScanEngine _engine;

    public ScanEngineScanTests()
    {
        _engine = ScanEngine.Load(new EngineOptions { DatabaseDirectory = Samples.StarterDatabase }, _time);
    }

    public void Dispose()
    {
        _engine.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Scan_EicarBuffer_IsInfectedByStarterDatabase()
    {
        var verdict = _engine.Scan(Samples.Eicar, "eicar.com");

        Assert.Equal(VerdictKind.Infected, verdict.Kind);
        Assert.Equal([Samples.EicarName], verdict.Names);
        Assert.Equal(_engine.Database.Version, verdict.DatabaseVersion);
        Assert.Equal(_time.GetUtcNow(), verdict.ScannedAt);
    }

    [Fact]
    public void ScanFile_EicarFile_IsInfected()
    {
        var path = _temp.Write("eicar.com", Samples.Eicar);

        var verdict = _engine.ScanFile(path);

        Assert.Equal(VerdictKind.Infected, verdict.Kind);
        Assert.Equal([Samples.EicarName], verdict.Names);
    }

    [Fact]
    public void Scan_EicarInsideZip_IsInfected()
    {
        var verdict = _engine.Scan(Samples.Zip("eicar.com", Samples.Eicar));

        Assert.Equal(VerdictKind.Infected, verdict.Kind);
        Assert.Equal([Samples.EicarName], verdict.Names);
    }

    [Fact]
    public void Scan_MarkerText_IsInfectedByMarkerSignature()
    {
        var verdict = _engine.Scan(Samples.Marker);

        Assert.Equal(VerdictKind.Infected, verdict.Kind);
        Assert.Equal([Samples.MarkerName], verdict.Names);
    }

    [Fact]
    public void Scan_BothLogicalParts_IsInfectedByLogicalSignature_AndOnePartIsClean()
    {
        var both = _engine.Scan("x LIGHTSHIELD-LOGICAL-PART-B y LIGHTSHIELD-LOGICAL-PART-A z"u8);
        var one = _engine.Scan("x LIGHTSHIELD-LOGICAL-PART-A z"u8);

        Assert.Equal(VerdictKind.Infected, both.Kind);
        Assert.Equal([Samples.LogicalName], both.Names);
        Assert.Equal(VerdictKind.Clean, one.Kind);
    }

    [Fact]
    public void Scan_CleanBuffer_IsClean()
    {
        var verdict = _engine.Scan(Samples.CleanText, "report.txt");

        Assert.Equal(VerdictKind.Clean, verdict.Kind);
        Assert.Empty(verdict.Names);
        Assert.Null(verdict.Reason);
        Assert.Equal(_engine.Database.Version, verdict.DatabaseVersion);
    }

    [Fact]
    public void Scan_EicarNotAtStart_IsClean()
    {
        // The EICAR standard requires the string at offset 0; the starter signature follows it.
        var content = new byte[Samples.Eicar.Length + 10];
        Samples.Eicar.CopyTo(content, 10);

        Assert.Equal(VerdictKind.Clean, _engine.Scan(content).Kind);
    }

    [Fact]
    public void Scan_ZeroLengthBuffer_IsCleanEmptyFile()
    {
        var verdict = _engine.Scan([]);

        Assert.Equal(VerdictKind.Clean, verdict.Kind);
        Assert.Equal("empty file", verdict.Reason);
        Assert.Equal(_engine.Database.Version, verdict.DatabaseVersion);
    }

    [Fact]
    public void ScanFile_ZeroLengthFile_IsClean()
    {
        var verdict = _engine.ScanFile(_temp.Write("empty", []));

        Assert.Equal(VerdictKind.Clean, verdict.Kind);
    }

    [Fact]
    public void ScanFile_MissingFile_IsErrorVerdictNotException()
    {
        var verdict = _engine.ScanFile(_temp.File("does-not-exist"));

        Assert.Equal(VerdictKind.Error, verdict.Kind);
        Assert.StartsWith("libclamav: ", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ScanFile_Directory_IsErrorVerdict()
    {
        var verdict = _engine.ScanFile(_temp.Path);

        Assert.Equal(VerdictKind.Error, verdict.Kind);
        Assert.Equal("not a regular file (a directory)", verdict.Reason);
    }

    [Fact]
    public void Scan_RandomAndTruncatedArchives_NeverThrows()
    {
        var random = new Random(42);
        var zip = Samples.Zip("a.bin", new byte[4096]);
        for (var i = 0; i < 50; i++)
        {
            var noise = new byte[random.Next(1, 2048)];
            random.NextBytes(noise);
            var truncated = zip.AsSpan(0, random.Next(1, zip.Length)).ToArray();

            Assert.NotEqual(VerdictKind.Unknown, _engine.Scan(noise).Kind);
            Assert.NotEqual(VerdictKind.Unknown, _engine.Scan(truncated).Kind);
        }
    }

    [Fact]
    public void Scan_AfterDispose_Throws()
    {
        var engine = ScanEngine.Load(new EngineOptions { DatabaseDirectory = Samples.StarterDatabase });
        engine.Dispose();
        engine.Dispose();

        Assert.Throws<ObjectDisposedException>(() => engine.Scan(Samples.Eicar));
    }

    [Fact]
    public void EngineVersion_IsLibClamAvVersion()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+", _engine.EngineVersion);
        Assert.Contains("libclamav=" + _engine.EngineVersion + ";", _engine.ProfileDescription, StringComparison.Ordinal);
    }

    [Fact]
    public void Database_DescribesStarterFiles()
    {
        var database = _engine.Database;

        Assert.Equal(["lightshield.ldb", "lightshield.ndb"], database.Files.Select(file => file.Name));
        Assert.Equal(3, database.SignatureCount);
        Assert.Matches("^0-[0-9a-f]{10}$", database.Version);
        Assert.Equal(_time.GetUtcNow(), database.LoadedAt);
    }
}
