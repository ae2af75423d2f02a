using Lightshield.Engine.Tests.Support;
using Lightshield.Testing;
using Lightshield.Verdicts;

namespace Lightshield.Engine.Tests;

public sealed class HashSignatureReaderTests : IDisposable
{
    private const string Sha256 = "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495";
    private const string Sha1 = "aad7a1f3fa9c7e3a1a85e6c7c6ff8f4a0a09b7d1";
    private const string Md5 = "44d88612fea8a8f36de82e1278abb02f";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Read_Hsb_ParsesSizesStarAndSkipsCommentsBlankMalformedAndFutureLevels()
    {
        var path = _temp.Write("own.hsb", string.Join('\n',
            "# comment",
            "",
            $"{Sha256}:544:Own.Sha256",
            $"{Sha256.ToUpperInvariant()}:*:Own.AnySize:73",
            $"{Sha1}:12:Own.Sha1",
            $"{Sha256}:notanumber:Bad.Size",
            $"{Sha256[..63]}:544:Bad.HashLength",
            $"{Sha256[..62]}zz:544:Bad.Hex",
            $"{Sha256}:544:",
            $"{Sha256}:544",
            $"{Sha256}:544:Future.Level:9999",
            $"{Sha256}:544:Past.Level:1:2",
            "   ",
            $"{Sha256}:7:Own.Trailing:1:"));

        var signatures = HashSignatureReader.Read(path).ToList();

        Assert.Equal(["Own.Sha256.UNOFFICIAL", "Own.AnySize.UNOFFICIAL", "Own.Sha1.UNOFFICIAL", "Own.Trailing.UNOFFICIAL"],
            signatures.Select(signature => signature.Name));
        Assert.Equal(HashAlgorithmKind.Sha256, signatures[0].Algorithm);
        Assert.Equal(544, signatures[0].Size);
        Assert.Equal(Convert.FromHexString(Sha256), signatures[0].Hash);
        Assert.Equal(HashSignature.AnySize, signatures[1].Size);
        Assert.Equal(Convert.FromHexString(Sha256), signatures[1].Hash);
        Assert.Equal(HashAlgorithmKind.Sha1, signatures[2].Algorithm);
        Assert.Equal(12, signatures[2].Size);
    }

    [Fact]
    public void Read_Hdb_ParsesMd5Lines()
    {
        var path = _temp.Write("own.hdb", $"{Md5}:68:Own.Md5\r\n{Md5}:*:Own.Md5Any:73\r\n");

        var signatures = HashSignatureReader.Read(path).ToList();

        Assert.Equal(2, signatures.Count);
        Assert.All(signatures, signature => Assert.Equal(HashAlgorithmKind.Md5, signature.Algorithm));
        Assert.Equal([68L, HashSignature.AnySize], signatures.Select(signature => signature.Size));
        Assert.Equal("Own.Md5.UNOFFICIAL", signatures[0].Name);
    }

    [Fact]
    public void Read_FileWithoutWholeFileHashes_YieldsNothing()
    {
        Assert.Empty(HashSignatureReader.Read(Path.Combine(Samples.StarterDatabase, "lightshield.ndb")));
    }

    [Fact]
    public void Read_PuaFile_IsSkippedWhenPuaIsExcluded()
    {
        var path = _temp.Write("pua.hsu", $"{Sha256}:544:PUA.Own.Tool\n");

        Assert.Single(HashSignatureReader.Read(path));
        Assert.Empty(HashSignatureReader.Read(path, includePua: false));
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => HashSignatureReader.Read(_temp.File("missing.hsb")));
    }

    [Theory]
    [InlineData("daily.cvd", true)]
    [InlineData("daily.cld", false)]
    public void Read_Container_ReadsHashFilesInsideTheTarAndKeepsOfficialNames(string fileName, bool gzip)
    {
        var container = ContainerBuilder.Build("daily", 27000, new Dictionary<string, string>
        {
            ["daily.hdb"] = $"{Md5}:68:Win.Test.EICAR_HDB-1\n# comment\nmalformed\n",
            ["daily.hsb"] = $"{Sha256}:*:Win.Test.ClamExe-1:73\n",
            ["daily.hsu"] = $"{Sha1}:10:PUA.Win.Tool-1\n",
            ["daily.ndb"] = "Body.Signature:0:*:41424344\n",
            ["daily.fp"] = $"{Md5}:68:Allowed.File\n",
        }, gzip);
        var path = _temp.Write(fileName, container);

        var all = HashSignatureReader.Read(path).ToList();
        var withoutPua = HashSignatureReader.Read(path, includePua: false).ToList();

        Assert.Equal(["Win.Test.EICAR_HDB-1", "Win.Test.ClamExe-1", "PUA.Win.Tool-1"], all.Select(signature => signature.Name));
        Assert.Equal(HashSignature.AnySize, all[1].Size);
        Assert.Equal(["Win.Test.EICAR_HDB-1", "Win.Test.ClamExe-1"], withoutPua.Select(signature => signature.Name));
    }

    [Fact]
    public void Read_UnsignedCud_NamesMatchWhatTheEngineReports()
    {
        var database = _temp.Subdirectory("db");
        var container = ContainerBuilder.Build("local", 3, new Dictionary<string, string>
        {
            ["local.hsb"] = $"{Samples.ClamExeSha256}:{Samples.ClamExeSize}:Local.Test.ClamExe\n",
        });
        var path = Path.Combine(database, "local.cud");
        File.WriteAllBytes(path, container);
        using var engine = ScanEngine.Load(new EngineOptions { DatabaseDirectory = database });

        var signature = Assert.Single(HashSignatureReader.Read(path));
        var verdict = engine.ScanFile(Samples.TestFile("clam.exe"));

        Assert.Equal(VerdictKind.Infected, verdict.Kind);
        Assert.Equal("Local.Test.ClamExe.UNOFFICIAL", signature.Name);
        Assert.Equal([signature.Name], verdict.Names);
        Assert.StartsWith("3-", engine.Database.Version, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ContainerWithoutHeader_ThrowsInvalidData()
    {
        var path = _temp.Write("broken.cvd", new byte[1024]);

        Assert.Throws<InvalidDataException>(() => HashSignatureReader.Read(path).ToList());
    }
}
