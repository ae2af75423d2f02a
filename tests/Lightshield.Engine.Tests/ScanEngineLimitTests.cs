using Lightshield.Engine.Tests.Support;
using Lightshield.Verdicts;

namespace Lightshield.Engine.Tests;

public sealed class ScanEngineLimitTests
{
    private static ScanEngine Load(Func<EngineOptions, EngineOptions> configure) =>
        ScanEngine.Load(configure(new EngineOptions { DatabaseDirectory = Samples.StarterDatabase }));

    [Fact]
    public void Scan_ZipNestedDeeperThanMaxRecursion_IsLimitExceededWithReason()
    {
        using var engine = Load(options => options with { MaxRecursion = 3 });

        var verdict = engine.Scan(Samples.NestedZip(Samples.CleanText, depth: 6), "bomb.zip");

        Assert.Equal(VerdictKind.LimitExceeded, verdict.Kind);
        Assert.Equal(["Heuristics.Limits.Exceeded.MaxRecursion"], verdict.Names);
        Assert.Equal("scan stopped: maximum recursion depth (3) exceeded", verdict.Reason);
        Assert.Equal(engine.Database.Version, verdict.DatabaseVersion);
    }

    [Fact]
    public void Scan_EicarNestedWithinMaxRecursion_IsInfected()
    {
        using var engine = Load(options => options with { MaxRecursion = 5 });

        var verdict = engine.Scan(Samples.NestedZip(Samples.Eicar, depth: 3));

        Assert.Equal(VerdictKind.Infected, verdict.Kind);
        Assert.Equal([Samples.EicarName], verdict.Names);
    }

    [Fact]
    public void Scan_DefaultRecursionLimit_StopsAZipNestedTwentyDeep()
    {
        using var engine = Load(options => options);

        var verdict = engine.Scan(Samples.NestedZip(Samples.CleanText, depth: 20));

        Assert.Equal(VerdictKind.LimitExceeded, verdict.Kind);
        Assert.Equal("scan stopped: maximum recursion depth (17) exceeded", verdict.Reason);
    }

    [Fact]
    public void Scan_CompressibleMemberOverMaxScanSize_IsLimitExceeded()
    {
        using var engine = Load(options => options with { MaxScanSize = 1024 * 1024 });

        var verdict = engine.Scan(Samples.Zip("zeros.bin", new byte[5 * 1024 * 1024]));

        Assert.Equal(VerdictKind.LimitExceeded, verdict.Kind);
        Assert.Equal(["Heuristics.Limits.Exceeded.MaxScanSize"], verdict.Names);
        Assert.Equal("scan stopped: maximum scan size (1048576 bytes) exceeded", verdict.Reason);
    }

    [Fact]
    public void Scan_BufferOverMaxFileSize_IsLimitExceeded()
    {
        using var engine = Load(options => options with { MaxFileSize = 64 * 1024 });

        var verdict = engine.Scan(new byte[128 * 1024]);

        Assert.Equal(["Heuristics.Limits.Exceeded.MaxFileSize"], verdict.Names);
        Assert.Equal(VerdictKind.LimitExceeded, verdict.Kind);
        Assert.Equal(["Heuristics.Limits.Exceeded.MaxFileSize"], verdict.Names);
        Assert.Equal("scan stopped: file larger than the maximum file size (65536 bytes)", verdict.Reason);
    }

    [Fact]
    public void Scan_MoreMembersThanMaxFiles_IsLimitExceeded()
    {
        using var engine = Load(options => options with { MaxFiles = 2 });

        var verdict = engine.Scan(Samples.NestedZip(Samples.CleanText, depth: 5));

        Assert.Equal(VerdictKind.LimitExceeded, verdict.Kind);
        Assert.Equal(["Heuristics.Limits.Exceeded.MaxFiles"], verdict.Names);
        Assert.Equal("scan stopped: maximum number of files in a container (2) exceeded", verdict.Reason);
    }

    [Fact]
    public void Scan_SlowerThanMaxScanTime_IsAnErrorThatIsNotCached()
    {
        using var engine = Load(options => options with { MaxScanTime = TimeSpan.FromMilliseconds(1) });
        var noise = new byte[8 * 1024 * 1024];
        new Random(7).NextBytes(noise);

        var verdict = engine.Scan(noise);

        Assert.Equal(VerdictKind.Error, verdict.Kind);
        Assert.False(verdict.IsConclusive);
        Assert.Equal("scan stopped: maximum scan time (1 ms) exceeded; not cached: try again", verdict.Reason);
    }

    [Fact]
    public void Scan_LimitHitWithAlertExceedsMaxOff_IsClean()
    {
        using var engine = Load(options => options with { MaxRecursion = 3, AlertExceedsMax = false });

        var verdict = engine.Scan(Samples.NestedZip(Samples.CleanText, depth: 6));

        Assert.Equal(VerdictKind.Clean, verdict.Kind);
    }

    [Fact]
    public void Scan_EicarInZipWithArchivesOff_IsClean()
    {
        using var engine = Load(options => options with { ScanArchives = false });

        Assert.Equal(VerdictKind.Clean, engine.Scan(Samples.Zip("eicar.com", Samples.Eicar)).Kind);
        Assert.Equal(VerdictKind.Infected, engine.Scan(Samples.Eicar).Kind);
    }
}
