namespace Lightshield.Verdicts.Tests;

/// <summary>The write rules every tier applies (<see cref="VerdictRules.MayReplace"/>), as a table.</summary>
public sealed class VerdictRulesTests
{
    [Theory]
    [InlineData("27001-0123456789", "27002-0123456789", -1)]
    [InlineData("27010-0123456789", "27009-ffffffffff", 1)]
    [InlineData("27002-aaaaaaaaaa", "27002-bbbbbbbbbb", 0)] // same generation: only plain files differ, not ordered
    [InlineData("0-aaaaaaaaaa", "27002-bbbbbbbbbb", -1)] // a hand-made database is older than any official one
    [InlineData("db-1", "db-2", 0)] // no numeric generation: not ordered
    [InlineData("", "27002-bbbbbbbbbb", 0)]
    public void CompareDatabases_OrdersByGeneration(string a, string b, int expected) =>
        Assert.Equal(expected, Math.Sign(VerdictRules.CompareDatabases(a, b)));

    [Theory]
    // existing, its database, new, its database, writer, allowed
    [InlineData(VerdictKind.Infected, "27002-a", VerdictKind.LimitExceeded, "27002-a", (int)VerdictWriter.Scan, false)]
    [InlineData(VerdictKind.Infected, "27002-a", VerdictKind.LimitExceeded, "27003-a", (int)VerdictWriter.Scan, false)]
    [InlineData(VerdictKind.Infected, "27002-a", VerdictKind.Clean, "27002-b", (int)VerdictWriter.Scan, true)] // a rescan fixes a false positive
    [InlineData(VerdictKind.Infected, "27002-a", VerdictKind.Clean, "27002-a", (int)VerdictWriter.Lookup, false)]
    [InlineData(VerdictKind.Infected, "27002-a", VerdictKind.Infected, "27002-a", (int)VerdictWriter.Lookup, true)]
    [InlineData(VerdictKind.Infected, "27002-a", VerdictKind.Clean, "27001-a", (int)VerdictWriter.Scan, false)] // older database
    [InlineData(VerdictKind.Clean, "27002-a", VerdictKind.Clean, "27001-a", (int)VerdictWriter.Lookup, false)]
    [InlineData(VerdictKind.Clean, "27002-a", VerdictKind.Infected, "27001-a", (int)VerdictWriter.RetroCheck, false)]
    [InlineData(VerdictKind.Clean, "27001-a", VerdictKind.Infected, "27002-a", (int)VerdictWriter.RetroCheck, true)]
    [InlineData(VerdictKind.Clean, "27002-a", VerdictKind.LimitExceeded, "27002-a", (int)VerdictWriter.Scan, true)]
    [InlineData(VerdictKind.LimitExceeded, "27002-a", VerdictKind.Infected, "27002-a", (int)VerdictWriter.Scan, true)]
    [InlineData(VerdictKind.LimitExceeded, "27002-a", VerdictKind.Clean, "27002-a", (int)VerdictWriter.Lookup, true)]
    public void MayReplace_Table(VerdictKind existing, string existingDatabase, VerdictKind incoming, string incomingDatabase, int writer, bool expected) =>
        Assert.Equal(expected, VerdictRules.MayReplace(existing, existingDatabase, incoming, incomingDatabase, (VerdictWriter)writer));

    [Fact]
    public void MemoryStore_AppliesTheRules()
    {
        var store = new MemoryVerdictStore(capacity: 100);
        var file = TestFiles.Make("rules in L1");
        var at = new DateTimeOffset(2025, 11, 20, 8, 30, 0, TimeSpan.Zero);

        Assert.True(store.Store(file.Key, file.Md5, Verdict.Infected("Win.Test", "27002-a", at)));
        Assert.False(store.Store(file.Key, file.Md5, Verdict.LimitExceeded("Heuristics.Limits.Exceeded.MaxFiles", "too many", "27002-a", at)));
        Assert.False(store.Store(file.Key, file.Md5, Verdict.Clean("27001-a", at)));
        Assert.True(store.Store(file.Key, file.Md5, Verdict.Clean("27003-a", at)));

        var found = new Verdict?[1];
        store.Lookup([file.Key], found, "27003-a");
        Assert.Equal(VerdictKind.Clean, found[0]?.Kind);
        Assert.Equal(2, store.RefusedStores);
    }
}
