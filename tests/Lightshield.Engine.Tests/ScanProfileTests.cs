using Lightshield.Engine.Tests.Support;
using Lightshield.Testing;

namespace Lightshield.Engine.Tests;

public sealed class ScanProfileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static EngineOptions Defaults => new() { DatabaseDirectory = Samples.StarterDatabase };

    public static TheoryData<string> VerdictAffectingChanges => new()
    {
        nameof(EngineOptions.Heuristics),
        nameof(EngineOptions.DetectPua),
        nameof(EngineOptions.ScanArchives),
        nameof(EngineOptions.AlertExceedsMax),
        nameof(EngineOptions.MaxFileSize),
        nameof(EngineOptions.MaxScanSize),
        nameof(EngineOptions.MaxRecursion),
        nameof(EngineOptions.MaxFiles),
        nameof(EngineOptions.MaxScanTime),
    };

    [Theory]
    [MemberData(nameof(VerdictAffectingChanges))]
    public void Profile_VerdictAffectingOptionChanges_ProfileChanges(string option)
    {
        var changed = option switch
        {
            nameof(EngineOptions.Heuristics) => Defaults with { Heuristics = false },
            nameof(EngineOptions.DetectPua) => Defaults with { DetectPua = true },
            nameof(EngineOptions.ScanArchives) => Defaults with { ScanArchives = false },
            nameof(EngineOptions.AlertExceedsMax) => Defaults with { AlertExceedsMax = false },
            nameof(EngineOptions.MaxFileSize) => Defaults with { MaxFileSize = 1024 },
            nameof(EngineOptions.MaxScanSize) => Defaults with { MaxScanSize = 1024 },
            nameof(EngineOptions.MaxRecursion) => Defaults with { MaxRecursion = 5 },
            nameof(EngineOptions.MaxFiles) => Defaults with { MaxFiles = 5 },
            nameof(EngineOptions.MaxScanTime) => Defaults with { MaxScanTime = TimeSpan.FromSeconds(5) },
            _ => throw new ArgumentOutOfRangeException(nameof(option)),
        };
        using var reference = ScanEngine.Load(Defaults);
        using var other = ScanEngine.Load(changed);

        Assert.NotEqual(reference.Profile, other.Profile);
        Assert.NotEqual(reference.ProfileDescription, other.ProfileDescription);
    }

    [Fact]
    public void Profile_DifferentDatabaseOrTemporaryDirectory_ProfileStaysTheSame()
    {
        _temp.Write("other.ndb", Samples.BodySignature("Other.Marker", "OTHER"));
        using var reference = ScanEngine.Load(Defaults);
        using var other = ScanEngine.Load(Defaults with { DatabaseDirectory = _temp.Path, TemporaryDirectory = _temp.File("tmp") });

        Assert.NotEqual(reference.Database.Version, other.Database.Version);
        Assert.Equal(reference.Profile, other.Profile);
    }

    [Fact]
    public void Profile_Reload_ProfileStaysTheSame()
    {
        Samples.CopyStarterDatabase(_temp.Path);
        using var engine = ScanEngine.Load(Defaults with { DatabaseDirectory = _temp.Path });
        var before = engine.Profile;
        _temp.Write("more.ndb", Samples.BodySignature("More.Marker", "MORE"));

        var reload = engine.Reload();

        Assert.NotEqual(reload.Previous.Version, reload.Current.Version);
        Assert.Equal(before, engine.Profile);
    }

    [Fact]
    public void Profile_IsStableAcrossLoads()
    {
        using var first = ScanEngine.Load(Defaults);
        using var second = ScanEngine.Load(Defaults);

        Assert.Equal(first.Profile, second.Profile);
        Assert.StartsWith("libclamav=", first.ProfileDescription, StringComparison.Ordinal);
    }
}
