using Lightshield.Engine.Native;

namespace Lightshield.Engine.Tests;

/// <summary>The enum values mirror clamav.h; libclamav's own error texts prove they line up.</summary>
public sealed class NativeBindingTests
{
    [Theory]
    [InlineData("Success", 0, "No viruses detected")]
    [InlineData("Virus", 1, "Virus(es) detected")]
    [InlineData("MalformedDatabase", 4, "Malformed database")]
    [InlineData("Open", 8, "Can't open file or directory")]
    [InlineData("TemporaryDirectory", 18, "Can't create temporary directory")]
    [InlineData("Timeout", 21, "Exceeded time limit")]
    [InlineData("MaxRecursion", 23, "Exceeded max recursion depth")]
    [InlineData("Error", 34, "Unspecified error")]
    public void Describe_ErrorCode_MatchesLibClamAvText(string member, int code, string expected)
    {
        var error = Enum.Parse<ClamError>(member);

        Assert.Equal(code, (int)error);
        Assert.Equal(expected, ClamLibrary.Describe(error));
    }

    [Fact]
    public void FunctionalityLevel_IsThatOfClamAv14()
    {
        Assert.True(ClamLibrary.FunctionalityLevel >= 200, $"flevel {ClamLibrary.FunctionalityLevel}");
        Assert.StartsWith("1.", ClamLibrary.Version, StringComparison.Ordinal);
    }
}
