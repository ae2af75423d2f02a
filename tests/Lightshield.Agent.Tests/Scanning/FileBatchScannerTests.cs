using System.Security.Cryptography;
using System.Text;
using Lightshield.Agent.Index;
using Lightshield.Agent.Jobs;
using Lightshield.Agent.Scanning;
using Lightshield.Agent.Tests.Support;
using Lightshield.Client.Content;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Priority = Lightshield.Protocol.Scan.Priority;

namespace Lightshield.Agent.Tests.Scanning;

public sealed class FileBatchScannerTests : IDisposable
{
    private const string Eicar = @"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    private readonly TempState _state = new();
    private readonly string _tree = Directory.CreateTempSubdirectory("lightshield-agent-tree-").FullName;

    public void Dispose()
    {
        _state.Dispose();
        Directory.Delete(_tree, recursive: true);
    }

    [Fact]
    public async Task SecondScanOfUnchangedTree_ReadsNothingAndSendsNoContent()
    {
        var files = MakeTree(200);
        await using var server = await LocalScanServer.StartAsync();
        using var pool = new ScanServerPool([server.Endpoint], TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeProvider.System, NullLogger<ScanServerPool>.Instance);
        var scanner = new FileBatchScanner(pool, new FileIndex(_state.Database), new ReadRateLimiter(0, TimeProvider.System), "tenant-a");

        var first = await ScanAndRememberAsync(scanner, files);
        var second = await ScanAndRememberAsync(scanner, files);

        var firstBytes = first.Sum(r => r.BytesRead);
        Assert.True(firstBytes > 200 * 1000, $"the first scan read only {firstBytes} bytes");
        Assert.Equal(0, second.Sum(r => r.BytesRead));
        Assert.DoesNotContain(second, r => r.Uploaded);
        Assert.All(second, r => Assert.NotNull(r.Verdict));
        Assert.Equal(first.Select(r => r.Verdict!.Kind), second.Select(r => r.Verdict!.Kind));
        Assert.Equal(2, second.Count(r => r.IsInfected));
    }

    [Fact]
    public async Task SecondScanOfUnchangedTree_IndexRowsNotWrittenAgain_ChangedFileRowIs()
    {
        var files = MakeTree(150);
        await using var server = await LocalScanServer.StartAsync();
        using var pool = new ScanServerPool([server.Endpoint], TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeProvider.System, NullLogger<ScanServerPool>.Instance);
        var scanner = new FileBatchScanner(pool, new FileIndex(_state.Database), new ReadRateLimiter(0, TimeProvider.System), "tenant-a");
        await ScanAndRememberAsync(scanner, files);
        await ExecuteAsync("""
            CREATE TABLE index_writes (path TEXT NOT NULL);
            CREATE TRIGGER count_index_updates AFTER UPDATE ON file_index BEGIN INSERT INTO index_writes VALUES (new.path); END;
            CREATE TRIGGER count_index_inserts AFTER INSERT ON file_index BEGIN INSERT INTO index_writes VALUES (new.path); END;
            """);

        var second = await ScanAndRememberAsync(scanner, files);
        var writesAfterSecond = await ScalarAsync("SELECT COUNT(*) FROM index_writes");
        await File.WriteAllBytesAsync(files[5], RandomNumberGenerator.GetBytes(3000));
        await ScanAndRememberAsync(scanner, files);

        Assert.All(second, r => Assert.True(r.IndexUnchanged, r.Path));
        Assert.Equal(0L, writesAfterSecond);
        Assert.Equal(files[5], await ScalarAsync("SELECT group_concat(path) FROM index_writes"));
    }

    [Fact]
    public async Task IndexKeepsSinceWhenEachPathHoldsItsContent_NotTheServersUntoldScanTime()
    {
        var files = MakeTree(3);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        await using var server = await LocalScanServer.StartAsync();
        using var pool = new ScanServerPool([server.Endpoint], TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeProvider.System, NullLogger<ScanServerPool>.Instance);
        var index = new FileIndex(_state.Database);
        var scanner = new FileBatchScanner(pool, index, new ReadRateLimiter(0, TimeProvider.System), "tenant-a", time: clock);
        var firstRead = clock.GetUtcNow();

        await ScanAndRememberAsync(scanner, files);
        clock.Advance(TimeSpan.FromHours(5));
        var again = await ScanAndRememberAsync(scanner, files);
        await File.WriteAllBytesAsync(files[0], RandomNumberGenerator.GetBytes(3000));
        await ScanAndRememberAsync(scanner, files);

        var recorded = await index.FindAsync(files);
        Assert.All(again, r => Assert.True(r.IndexUnchanged, r.Path));
        Assert.Equal(clock.GetUtcNow(), recorded[files[0]].ScannedAt);
        Assert.Equal(firstRead, recorded[files[1]].ScannedAt);
        Assert.Equal(firstRead, recorded[files[2]].ScannedAt);
    }

    [Fact]
    public async Task ScanOpenedAsync_PathNowNamesAnotherFile_ScansAndUploadsTheOpenedInode()
    {
        var opened = Path.Combine(_tree, "opened.bin");
        var content = RandomNumberGenerator.GetBytes(3 * 1024 * 1024); // beyond HashedFile.KeepInMemoryLimit: uploaded from the descriptor
        await File.WriteAllBytesAsync(opened, content);
        using var descriptor = File.OpenHandle(opened);
        var other = Path.Combine(_tree, "other.txt");
        await File.WriteAllTextAsync(other, Eicar);
        File.Move(other, opened, overwrite: true); // the path now names another file; the descriptor still holds the first
        await using var server = await LocalScanServer.StartAsync();
        using var pool = new ScanServerPool([server.Endpoint], TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeProvider.System, NullLogger<ScanServerPool>.Instance);
        var scanner = new FileBatchScanner(pool, new FileIndex(_state.Database), new ReadRateLimiter(0, TimeProvider.System), "tenant-a");

        var result = await scanner.ScanOpenedAsync(opened, descriptor, Priority.OnAccess, CancellationToken.None);

        Assert.Null(result.Error);
        Assert.False(result.IsInfected);
        Assert.True(result.Uploaded);
        Assert.Equal(content.Length, result.BytesRead);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), result.IndexEntry!.Key.Sha256Hex());
        Assert.Equal(content.Length, result.IndexEntry.Identity.Size);
    }

    [Fact]
    public async Task BatchLargerThanContentBudget_KeepsAtMostTheBudget_FilesBeyondItStillUploadedAndDetected()
    {
        const int budget = 64 * 1024;
        var files = MakeTree(300, size: 2000); // ~600 KB of new content, three EICAR files among them
        await File.WriteAllTextAsync(files[^1], Eicar); // the last one, far beyond the budget
        await using var server = await LocalScanServer.StartAsync();
        using var pool = new ScanServerPool([server.Endpoint], TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeProvider.System, NullLogger<ScanServerPool>.Instance);
        var scanner = new FileBatchScanner(pool, new FileIndex(_state.Database), new ReadRateLimiter(0, TimeProvider.System), "tenant-a",
            contentBudget: budget);

        var results = await scanner.ScanAsync(files, Priority.OnDemand, CancellationToken.None);

        Assert.InRange(scanner.LastBatchContentKept, budget - 2000, budget);
        Assert.All(results, r => Assert.True(r is { Uploaded: true, Error: null, Verdict: not null }, $"{r.Path}: {r.Error}"));
        Assert.Equal(files.Select(f => new FileInfo(f).Length).Sum(), results.Sum(r => r.BytesRead));
        Assert.Equal(files.Where(f => File.ReadAllText(f, Encoding.Latin1) == Eicar), results.Where(r => r.IsInfected).Select(r => r.Path));
        Assert.True(results[^1].IsInfected);
    }

    [Fact]
    public async Task ChangedFile_ReadAgainAndRescanned()
    {
        var files = MakeTree(10);
        await using var server = await LocalScanServer.StartAsync();
        using var pool = new ScanServerPool([server.Endpoint], TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeProvider.System, NullLogger<ScanServerPool>.Instance);
        var scanner = new FileBatchScanner(pool, new FileIndex(_state.Database), new ReadRateLimiter(0, TimeProvider.System), "tenant-a");
        await ScanAndRememberAsync(scanner, files);

        await File.WriteAllTextAsync(files[3], Eicar);
        var again = await ScanAndRememberAsync(scanner, files);

        Assert.Equal(Eicar.Length, again.Sum(r => r.BytesRead));
        Assert.True(again[3].IsInfected);
    }

    [Fact]
    public async Task PreferredServerKilledMidScan_FailsOverAndEveryFileGetsAVerdict()
    {
        var files = MakeTree(2000, size: 512);
        await using var preferred = await LocalScanServer.StartAsync();
        await using var fallback = await LocalScanServer.StartAsync();
        var failoverTimeout = TimeSpan.FromSeconds(2);
        using var pool = new ScanServerPool([preferred.Endpoint, fallback.Endpoint], failoverTimeout, TimeSpan.FromHours(1),
            TimeProvider.System, NullLogger<ScanServerPool>.Instance);
        var scanner = new FileBatchScanner(pool, new FileIndex(_state.Database), new ReadRateLimiter(0, TimeProvider.System), "tenant-a");

        var verdicts = new List<FileVerdict>();
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan? killedAt = null;
        foreach (var batch in files.Chunk(100))
        {
            if (verdicts.Count == 600)
            {
                await preferred.StopAsync();
                killedAt = stopwatch.Elapsed;
            }
            verdicts.AddRange(await scanner.ScanAsync(batch, Priority.OnDemand, CancellationToken.None));
        }

        Assert.Equal(files.Count, verdicts.Count);
        Assert.All(verdicts, v => Assert.NotNull(v.Verdict));
        Assert.Equal(files.Count / 100, verdicts.Count(v => v.IsInfected));
        Assert.Equal(1, pool.Failovers);
        Assert.Equal(fallback.Endpoint.Address, pool.Current);
        Assert.NotNull(killedAt);
    }

    /// <summary>Scans a batch and records the results in the index, as the job worker does.</summary>
    private async Task<IReadOnlyList<FileVerdict>> ScanAndRememberAsync(FileBatchScanner scanner, List<string> files)
    {
        var queue = new JobQueue(_state.Database, TimeProvider.System);
        await queue.CreateTaskAsync("test", JobPriority.OnDemand, files);
        var jobs = await queue.LeaseAsync(files.Count);
        var results = await scanner.ScanAsync(files, Priority.OnDemand, CancellationToken.None);
        await queue.CompleteAsync(jobs.Zip(results, (j, r) => new JobOutcome(j, r.IsInfected, r.IsError, r.BytesRead, r.IndexEntry, r.IndexUnchanged)).ToList());
        return results;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = _state.Database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = _state.Database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Random files, one in every hundred an EICAR test file.</summary>
    private List<string> MakeTree(int count, int size = 2000)
    {
        var files = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var directory = Path.Combine(_tree, $"d{i % 7}");
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, $"f{i}.bin");
            File.WriteAllBytes(path, i % 100 == 42 ? Encoding.ASCII.GetBytes(Eicar) : RandomNumberGenerator.GetBytes(size));
            files.Add(path);
        }
        return files;
    }
}
