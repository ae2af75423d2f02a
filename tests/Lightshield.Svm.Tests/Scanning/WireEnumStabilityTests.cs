using Lightshield.Svm.Admission;
using Model = Lightshield.Verdicts;
using Wire = Lightshield.Protocol.Scan;

namespace Lightshield.Svm.Tests.Scanning;

/// <summary>Verdicts and priorities cross the wire and the shared cache as numbers: a renumbering would make
/// old clients and cached entries mean something else.</summary>
public sealed class WireEnumStabilityTests
{
    [Theory]
    [InlineData(Model.VerdictKind.Unknown, Wire.VerdictKind.Unknown, 0)]
    [InlineData(Model.VerdictKind.Clean, Wire.VerdictKind.Clean, 1)]
    [InlineData(Model.VerdictKind.Infected, Wire.VerdictKind.Infected, 2)]
    [InlineData(Model.VerdictKind.Error, Wire.VerdictKind.Error, 3)]
    [InlineData(Model.VerdictKind.LimitExceeded, Wire.VerdictKind.LimitExceeded, 4)]
    public void VerdictKind_ModelAndWire_ShareFrozenValues(Model.VerdictKind model, Wire.VerdictKind wire, int value)
    {
        Assert.Equal(value, (int)model);
        Assert.Equal(value, (int)wire);
    }

    [Theory]
    [InlineData(ScanPriority.OnAccess, Wire.Priority.OnAccess, 1)]
    [InlineData(ScanPriority.OnDemand, Wire.Priority.OnDemand, 2)]
    [InlineData(ScanPriority.Scheduled, Wire.Priority.Scheduled, 3)]
    public void Priority_ModelAndWire_ShareFrozenValues(ScanPriority model, Wire.Priority wire, int value)
    {
        Assert.Equal(value, (int)model);
        Assert.Equal(value, (int)wire);
    }

    [Fact]
    public void Priority_UnspecifiedOnTheWire_IsZero() => Assert.Equal(0, (int)Wire.Priority.Unspecified);
}
