using Lightshield.Engine.Tests.Support;
using Lightshield.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Engine.Tests;

public sealed class DatabaseInspectorTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Inspect_StarterDatabase_ListsFilesCountsAndVersion()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero));

        var database = DatabaseInspector.Inspect(Samples.StarterDatabase, time);

        Assert.Equal(["lightshield.ldb", "lightshield.ndb"], database.Files.Select(file => file.Name));
        Assert.Equal([1L, 2L], database.Files.Select(file => file.Signatures));
        Assert.Equal(3, database.SignatureCount);
        Assert.Matches("^0-[0-9a-f]{10}$", database.Version);
        Assert.Equal(time.GetUtcNow(), database.LoadedAt);
        var ndb = database.Files[1];
        Assert.Equal(new FileInfo(Path.Combine(Samples.StarterDatabase, "lightshield.ndb")).Length, ndb.Length);
        Assert.Matches("^[0-9a-f]{64}$", ndb.Sha256);
        Assert.Null(ndb.CvdVersion);
        Assert.Null(ndb.BuildTime);
    }

    [Fact]
    public void Inspect_SameContentElsewhere_HasSameVersion_AndAnyChangeGivesANewOne()
    {
        Samples.CopyStarterDatabase(_temp.Path);
        var original = DatabaseInspector.Inspect(Samples.StarterDatabase).Version;

        Assert.Equal(original, DatabaseInspector.Inspect(_temp.Path).Version);

        _temp.Write("README.md", "not a signature file");
        Assert.Equal(original, DatabaseInspector.Inspect(_temp.Path).Version);

        File.AppendAllText(_temp.File("lightshield.ndb"), "# one more comment\n");
        var changed = DatabaseInspector.Inspect(_temp.Path).Version;
        Assert.NotEqual(original, changed);

        File.Move(_temp.File("lightshield.ldb"), _temp.File("renamed.ldb"));
        Assert.NotEqual(changed, DatabaseInspector.Inspect(_temp.Path).Version);
    }

    [Fact]
    public void Inspect_Container_ReadsVersionSignaturesAndBuildTimeFromHeader()
    {
        var container = ContainerBuilder.Build("daily", 27123, new Dictionary<string, string>
        {
            ["daily.hdb"] = "44d88612fea8a8f36de82e1278abb02f:68:Win.Test.EICAR_HDB-1\n",
            ["daily.ndb"] = "Body.Signature:0:*:41424344\n",
        });
        _temp.Write("daily.cvd", container);
        _temp.Write("local.ndb", "Local.Signature:0:*:45464748\n");

        var database = DatabaseInspector.Inspect(_temp.Path);

        var cvd = database.Files[0];
        Assert.Equal("daily.cvd", cvd.Name);
        Assert.Equal(27123, cvd.CvdVersion);
        Assert.Equal(2, cvd.Signatures);
        Assert.Equal(ContainerBuilder.BuildTime, cvd.BuildTime);
        Assert.StartsWith("27123-", database.Version, StringComparison.Ordinal);
        Assert.Equal(3, database.SignatureCount);
    }

    [Fact]
    public void Inspect_SingleFile_DescribesOnlyIt()
    {
        var database = DatabaseInspector.Inspect(Path.Combine(Samples.StarterDatabase, "lightshield.ndb"));

        Assert.Equal("lightshield.ndb", Assert.Single(database.Files).Name);
        Assert.Equal(2, database.SignatureCount);
    }

    [Fact]
    public void Inspect_MissingOrEmptyOrUnknown_ThrowsClearError()
    {
        var missing = Assert.Throws<EngineException>(() => DatabaseInspector.Inspect(_temp.File("nope")));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);

        var empty = Assert.Throws<EngineException>(() => DatabaseInspector.Inspect(_temp.Path));
        Assert.Contains("no ClamAV signature files", empty.Message, StringComparison.Ordinal);

        var unknown = Assert.Throws<EngineException>(() => DatabaseInspector.Inspect(_temp.Write("notes.txt", "x")));
        Assert.Contains("not a ClamAV signature file", unknown.Message, StringComparison.Ordinal);
    }
}
