namespace Lightshield.Agent.Tests.Adversarial;

/// <summary>Compares two snapshots of a directory (name → identity and content) and fails naming what was removed,
/// added or changed, rather than printing two dictionaries of thousands of entries.</summary>
internal static class EntryDiff
{
    public static void AssertSame(string where, IReadOnlyDictionary<string, string> expected, IReadOnlyDictionary<string, string> actual)
    {
        var removed = expected.Keys.Where(name => !actual.ContainsKey(name)).Order(StringComparer.Ordinal).ToList();
        var added = actual.Keys.Where(name => !expected.ContainsKey(name)).Order(StringComparer.Ordinal).ToList();
        var changed = expected.Keys.Where(name => actual.TryGetValue(name, out var now) && now != expected[name]).Order(StringComparer.Ordinal).ToList();
        if (removed.Count + added.Count + changed.Count > 0)
        {
            Assert.Fail($"{where}: {Describe("removed", removed)}; {Describe("added", added)}; {Describe("changed", changed)}");
        }
    }

    private static string Describe(string what, List<string> names) =>
        $"{names.Count} {what}" + (names.Count == 0 ? "" : $" ({string.Join(", ", names.Take(5))}{(names.Count > 5 ? ", …" : "")})");
}
