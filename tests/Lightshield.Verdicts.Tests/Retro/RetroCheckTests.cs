using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Verdicts.Tests;

/// <summary>The retro-active check in L1 (the shared tier is covered in <see cref="RedisVerdictStoreTests"/>).</summary>
public sealed class RetroCheckTests : IAsyncLifetime
{
    private static readonly ScanProfile Profile = ScanProfile.FromDescription("engine=1.4.3;heuristics=1;pua=0");
    private static readonly DateTimeOffset ScannedAt = new(2025, 11, 20, 8, 30, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 11, 21, 6, 0, 0, TimeSpan.Zero));
    private readonly TestFile _file = TestFiles.Make("retro target");
    private readonly TestFile _other = TestFiles.Make("bystander");
    private readonly TieredVerdictCache _cache;

    public RetroCheckTests()
    {
        _cache = new TieredVerdictCache(Profile, timeProvider: _time) { CurrentDatabaseVersion = "db-1" };
    }

    /// <summary>Two clean entries scanned with db-1: the one the signatures are about and one that must stay clean.
    /// Then the server reloads db-2, as it does before the retro-active check.</summary>
    public async Task InitializeAsync()
    {
        await _cache.StoreAsync(_file.Key, _file.Md5, Verdict.Clean("db-1", ScannedAt));
        await _cache.StoreAsync(_other.Key, _other.Md5, Verdict.Clean("db-1", ScannedAt));
        _cache.CurrentDatabaseVersion = "db-2";
    }

    public Task DisposeAsync()
    {
        _cache.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ApplyNewSignatures_Sha256AndSizeMatch_TurnsCleanEntryInfected()
    {
        var (cache, file, other) = (_cache, _file, _other);

        var result = await cache.ApplyNewSignaturesAsync([file.Sha256Signature("Win.Trojan.New-1")], "db-2");

        Assert.Equal(1, result.SignaturesExamined);
        Assert.Equal(1, result.EntriesInfected);
        Assert.Equal([file.Key], result.AffectedKeys);
        var found = (await cache.LookupAsync([file.Key, other.Key]));
        Assert.Equal(VerdictKind.Infected, found[0]?.Kind);
        Assert.Equal(["Win.Trojan.New-1"], found[0]?.Names);
        Assert.Equal("db-2", found[0]?.DatabaseVersion);
        Assert.Equal(_time.GetUtcNow(), found[0]?.ScannedAt);
        Assert.Equal(VerdictKind.Clean, found[1]?.Kind);
    }

    [Fact]
    public async Task ApplyNewSignatures_Md5AndSizeMatch_UsesTheStoredMd5()
    {
        var (cache, file, other) = (_cache, _file, _other);

        var result = await cache.ApplyNewSignaturesAsync([file.Md5Signature("Win.Trojan.Md5-1")], "db-2");

        Assert.Equal([file.Key], result.AffectedKeys);
        var found = await cache.LookupAsync([file.Key, other.Key]);
        Assert.Equal(["Win.Trojan.Md5-1"], found[0]?.Names);
        Assert.Equal(VerdictKind.Clean, found[1]?.Kind);
    }

    [Fact]
    public async Task ApplyNewSignatures_SizeMismatch_LeavesEntryClean()
    {
        var (cache, file) = (_cache, _file);

        var result = await cache.ApplyNewSignaturesAsync(
            [file.Sha256Signature("Wrong.Size.Sha", file.Key.Size + 1), file.Md5Signature("Wrong.Size.Md5", file.Key.Size - 1)],
            "db-2");

        Assert.Equal(2, result.SignaturesExamined);
        Assert.Equal(0, result.EntriesInfected);
        Assert.Equal(VerdictKind.Clean, (await cache.LookupAsync([file.Key]))[0]?.Kind);
    }

    [Fact]
    public async Task ApplyNewSignatures_AnySizeMd5_MatchesInL1()
    {
        var (cache, file) = (_cache, _file);

        var result = await cache.ApplyNewSignaturesAsync([file.Md5Signature("Any.Size.Md5", HashSignature.AnySize)], "db-2");

        Assert.Equal([file.Key], result.AffectedKeys);
        Assert.Equal(["Any.Size.Md5"], (await cache.LookupAsync([file.Key]))[0]?.Names);
    }

    [Fact]
    public async Task ApplyNewSignatures_AnySizeSha256_MatchesInL1()
    {
        var (cache, file) = (_cache, _file);

        var result = await cache.ApplyNewSignaturesAsync([file.Sha256Signature("Any.Size.Sha", HashSignature.AnySize)], "db-2");

        Assert.Equal([file.Key], result.AffectedKeys);
    }

    [Fact]
    public async Task ApplyNewSignatures_InfectedEntry_KeepsItsVerdict()
    {
        using var cache = new TieredVerdictCache(Profile, timeProvider: _time) { CurrentDatabaseVersion = "db-2" };
        var file = TestFiles.Make("already detected");
        await cache.StoreAsync(file.Key, file.Md5, Verdict.Infected("Win.Known", "db-2", ScannedAt));

        var result = await cache.ApplyNewSignaturesAsync([file.Sha256Signature("Win.Other"), file.Md5Signature("Win.Other")], "db-2");

        Assert.Equal(0, result.EntriesInfected);
        Assert.Equal(["Win.Known"], (await cache.LookupAsync([file.Key]))[0]?.Names);
    }

    [Fact]
    public async Task ApplyNewSignatures_Sha1AndMalformedSignatures_AreCountedButIgnored()
    {
        var (cache, file) = (_cache, _file);

        var result = await cache.ApplyNewSignaturesAsync(
            [
                new HashSignature(HashAlgorithmKind.Sha1, new byte[20], file.Key.Size, "Sha1.Sig"),
                new HashSignature(HashAlgorithmKind.Md5, file.Md5[..8], file.Key.Size, "Short.Md5"),
                new HashSignature(HashAlgorithmKind.Sha256, file.Key.Sha256(), -5, "Bad.Size"),
            ],
            "db-2");

        Assert.Equal(3, result.SignaturesExamined);
        Assert.Equal(0, result.EntriesInfected);
        Assert.Equal(VerdictKind.Clean, (await cache.LookupAsync([file.Key]))[0]?.Kind);
    }

    [Fact]
    public async Task ApplyNewSignatures_MillionsStyleStream_IsProcessedInBatches()
    {
        using var cache = new TieredVerdictCache(Profile, new VerdictCacheOptions { RetroCheckBatchSize = 1000 }, timeProvider: _time)
        {
            CurrentDatabaseVersion = "db-2",
        };
        var first = TestFiles.Make("matched by the first batch");
        var last = TestFiles.Make("matched by the last batch");
        await cache.StoreAsync(first.Key, first.Md5, Verdict.Clean("db-2", ScannedAt));
        await cache.StoreAsync(last.Key, last.Md5, Verdict.Clean("db-2", ScannedAt));
        long produced = 0;
        IEnumerable<HashSignature> Stream()
        {
            yield return first.Md5Signature("First.Md5");
            for (int i = 0; i < 50_000; i++)
            {
                produced++;
                yield return new HashSignature(HashAlgorithmKind.Md5, TestFiles.NumberedMd5(i), 1000 + i, $"Noise.{i}");
            }
            yield return last.Sha256Signature("Last.Sha");
        }

        var result = await cache.ApplyNewSignaturesAsync(Stream(), "db-2");

        Assert.Equal(50_000, produced);
        Assert.Equal(50_002, result.SignaturesExamined);
        Assert.Equal([first.Key, last.Key], result.AffectedKeys);
    }

    [Fact]
    public async Task ApplyNewSignatures_LookupOnAServerStillAtTheOldVersion_IsStale()
    {
        await _cache.ApplyNewSignaturesAsync([_file.Sha256Signature("Win.New")], "db-2");
        _cache.CurrentDatabaseVersion = "db-1";

        Assert.Null((await _cache.LookupAsync([_file.Key]))[0]);
    }
}
