using Lightshield.Engine.Tests.Support;
using Lightshield.Testing;
using Lightshield.Verdicts;

namespace Lightshield.Engine.Tests;

public sealed class HashSignatureDetectionTests : IDisposable
{
    private const string Name = "Lightshield.Test.ClamExe";
    private readonly TempDirectory _temp = new();
    private readonly ScanEngine _engine;

    public HashSignatureDetectionTests()
    {
        _temp.Write("clamexe.hsb", $"{Samples.ClamExeSha256}:{Samples.ClamExeSize}:{Name}\n");
        _engine = ScanEngine.Load(new EngineOptions { DatabaseDirectory = _temp.Path });
    }

    public void Dispose()
    {
        _engine.Dispose();
        _temp.Dispose();
    }

    [Theory]
    [InlineData("clam.exe")]
    [InlineData("clam.zip")]
    [InlineData("clam.7z")]
    public void ScanFile_Sha256HashSignature_DetectsClamExeAndArchivesOfIt(string testFile)
    {
        var verdict = _engine.ScanFile(Samples.TestFile(testFile));

        Assert.Equal(VerdictKind.Infected, verdict.Kind);
        Assert.Equal([Name + ".UNOFFICIAL"], verdict.Names);
    }

    [Fact]
    public void Scan_Sha256HashSignature_DetectsClamExeInBuffer()
    {
        var verdict = _engine.Scan(File.ReadAllBytes(Samples.TestFile("clam.zip")), "clam.zip");

        Assert.Equal(VerdictKind.Infected, verdict.Kind);
        Assert.Equal([Name + ".UNOFFICIAL"], verdict.Names);
    }

    [Fact]
    public void Scan_SameBytesWithOneMore_IsClean()
    {
        var content = File.ReadAllBytes(Samples.TestFile("clam.exe")).Append((byte)0).ToArray();

        Assert.Equal(VerdictKind.Clean, _engine.Scan(content).Kind);
    }

    [Fact]
    public void HashSignatureReader_NamesMatchWhatTheEngineReports()
    {
        var signature = Assert.Single(HashSignatureReader.Read(_temp.File("clamexe.hsb")));
        var verdict = _engine.ScanFile(Samples.TestFile("clam.exe"));

        Assert.Equal(signature.Name, Assert.Single(verdict.Names));
        Assert.Equal(Convert.FromHexString(Samples.ClamExeSha256), signature.Hash);
    }
}
