using Lightshield.Engine.Tests.Support;
using Lightshield.Testing;
using Lightshield.Verdicts;

namespace Lightshield.Engine.Tests;

public sealed class ScanEngineReloadTests : IDisposable
{
    private const string NewText = "LIGHTSHIELD-RELOAD-TEST-9d2e";
    private const string NewName = "Lightshield.Test.Reload.UNOFFICIAL";
    private const string ScannersStalled = "the scanners to make progress";
    private readonly TempDirectory _temp = new();

    public ScanEngineReloadTests()
    {
        Samples.CopyStarterDatabase(_temp.Path);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Reload_WhileFourThreadsScan_NoErrorsAndNewSignatureAppliesAfterReload()
    {
        using var engine = ScanEngine.Load(new EngineOptions { DatabaseDirectory = _temp.Path });
        var original = engine.Database;
        var newContent = System.Text.Encoding.ASCII.GetBytes("header " + NewText + " trailer");
        var archive = Samples.Zip("eicar.com", Samples.Eicar);
        var reloaded = 0;
        var stop = 0;
        var rounds = new ProgressCounter(); // four scans each
        var problems = new System.Collections.Concurrent.ConcurrentQueue<string>();

        var scanners = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(() =>
        {
            while (Volatile.Read(ref stop) == 0)
            {
                var startedAfterReload = Volatile.Read(ref reloaded) == 1;
                Check(engine.Scan(Samples.Eicar), VerdictKind.Infected, "eicar");
                Check(engine.Scan(archive), VerdictKind.Infected, "eicar.zip");
                Check(engine.Scan(Samples.CleanText), VerdictKind.Clean, "clean");
                var fresh = engine.Scan(newContent);
                if (fresh.Kind == VerdictKind.Error || (startedAfterReload && fresh.Kind != VerdictKind.Infected))
                {
                    problems.Enqueue($"new signature: {fresh.Kind} {fresh.Reason} (started after reload: {startedAfterReload})");
                }
                rounds.Increment();
            }
        }, TaskCreationOptions.LongRunning)).ToArray();

        void Check(Verdict verdict, VerdictKind expected, string what)
        {
            if (verdict.Kind != expected)
            {
                problems.Enqueue($"{what}: {verdict.Kind} {verdict.Reason}");
            }
        }

        // Let the scanners run on the first engine, then reload several times under load.
        await rounds.WaitForAsync(50, ScannersStalled);
        Assert.Equal(VerdictKind.Clean, engine.Scan(newContent).Kind);
        var added = _temp.Write("reload.ndb", Samples.BodySignature("Lightshield.Test.Reload", NewText));
        var reload = engine.Reload();
        Volatile.Write(ref reloaded, 1);
        for (var i = 0; i < 3; i++)
        {
            await rounds.WaitForAsync(rounds.Value + 25, ScannersStalled);
            File.AppendAllText(added, $"# revision {i}\n");
            engine.Reload();
        }
        await rounds.WaitForAsync(500, ScannersStalled);
        Volatile.Write(ref stop, 1);
        await Task.WhenAll(scanners);

        Assert.Empty(problems);
        Assert.Equal(original, reload.Previous);
        Assert.NotEqual(reload.Previous.Version, reload.Current.Version);
        Assert.Equal([Path.GetFullPath(added)], reload.ChangedFiles);
        Assert.Equal(4, reload.Current.SignatureCount);
        var verdict = engine.Scan(newContent);
        Assert.Equal([NewName], verdict.Names);
        Assert.Equal(engine.Database.Version, verdict.DatabaseVersion);
    }

    [Fact]
    public void Reload_MalformedDatabase_ThrowsAndOldEngineKeepsServing()
    {
        using var engine = ScanEngine.Load(new EngineOptions { DatabaseDirectory = _temp.Path });
        var before = engine.Database;
        _temp.Write("broken.ndb", "Broken.Signature:0:*:this-is-not-hex\n");

        var error = Assert.Throws<EngineException>(engine.Reload);

        Assert.Contains("broken.ndb", error.Message, StringComparison.Ordinal);
        Assert.Same(before, engine.Database);
        var verdict = engine.Scan(Samples.Eicar);
        Assert.Equal(VerdictKind.Infected, verdict.Kind);
        Assert.Equal(before.Version, verdict.DatabaseVersion);

        File.Delete(_temp.File("broken.ndb"));
        var recovered = engine.Reload();
        Assert.Equal(before.Version, recovered.Current.Version);
        Assert.Empty(recovered.ChangedFiles);
    }

    [Fact]
    public void Reload_ChangedFile_IsListedAndRemovedFileIsNot()
    {
        using var engine = ScanEngine.Load(new EngineOptions { DatabaseDirectory = _temp.Path });
        File.AppendAllText(_temp.File("lightshield.ndb"), Samples.BodySignature("Lightshield.Test.Extra", "EXTRA-1"));
        File.Delete(_temp.File("lightshield.ldb"));

        var reload = engine.Reload();

        Assert.Equal([_temp.File("lightshield.ndb")], reload.ChangedFiles);
        Assert.Equal(["lightshield.ndb"], reload.Current.Files.Select(file => file.Name));
        Assert.Equal(VerdictKind.Clean, engine.Scan("LIGHTSHIELD-LOGICAL-PART-A LIGHTSHIELD-LOGICAL-PART-B"u8).Kind);
    }

    [Fact]
    public async Task Reload_Concurrently_IsSerializedAndEveryCallSucceeds()
    {
        using var engine = ScanEngine.Load(new EngineOptions { DatabaseDirectory = _temp.Path });

        var reloads = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(engine.Reload)));

        Assert.All(reloads, reload => Assert.Equal(engine.Database.Version, reload.Current.Version));
        Assert.Equal(VerdictKind.Infected, engine.Scan(Samples.Eicar).Kind);
    }
}
