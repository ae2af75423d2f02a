namespace Lightshield.Verdicts.Tests;

/// <summary>These values are stored in the shared cache and sent on the wire: changing one corrupts existing data.</summary>
public sealed class PersistedEnumStabilityTests
{
    [Theory]
    [InlineData(VerdictKind.Unknown, 0)]
    [InlineData(VerdictKind.Clean, 1)]
    [InlineData(VerdictKind.Infected, 2)]
    [InlineData(VerdictKind.Error, 3)]
    [InlineData(VerdictKind.LimitExceeded, 4)]
    public void VerdictKind_Value_IsFrozen(VerdictKind kind, byte value) => Assert.Equal(value, (byte)kind);

    [Theory]
    [InlineData(HashAlgorithmKind.Md5, 1)]
    [InlineData(HashAlgorithmKind.Sha1, 2)]
    [InlineData(HashAlgorithmKind.Sha256, 3)]
    public void HashAlgorithmKind_Value_IsFrozen(HashAlgorithmKind algorithm, byte value) => Assert.Equal(value, (byte)algorithm);

    [Fact]
    public void VerdictKind_Members_AreExactlyTheFrozenOnes() =>
        Assert.Equal([0, 1, 2, 3, 4], Enum.GetValues<VerdictKind>().Select(kind => (int)kind));

    [Fact]
    public void HashAlgorithmKind_Members_AreExactlyTheFrozenOnes() =>
        Assert.Equal([1, 2, 3], Enum.GetValues<HashAlgorithmKind>().Select(algorithm => (int)algorithm));

    [Fact]
    public void VerdictValueFormatVersion_IsFrozen() => Assert.Equal(1, VerdictValueCodec.FormatVersion);
}
