using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Lightshield.Agent.Hunts;
using Lightshield.Agent.Storage;
using Microsoft.Data.Sqlite;

namespace Lightshield.Bench.Agent;

/// <summary>The agent's side of a hunt (decision 32): <see cref="LocalHashHunt"/> matching N hashes against a local index
/// of M entries, against the baseline of one plain pass reading every row's hash (what any full-index match must read),
/// in the same run.</summary>
internal static class HuntMatchBenchmark
{
    public static string Run(int entries, int hashes, int matches, int repetitions)
    {
        var directory = Directory.CreateTempSubdirectory("lightshield-hunt-bench-").FullName;
        try
        {
            var database = new AgentDatabase(Path.Combine(directory, "agent.db"));
            var known = Fill(database, entries, matches);
            var hunted = Enumerable.Range(0, hashes - known.Count).Select(_ => RandomNumberGenerator.GetBytes(32)).Concat(known).ToArray();
            var hunt = new LocalHashHunt(database);
            var baseline = new List<double>();
            var match = new List<double>();
            var found = 0;
            for (var i = 0; i < repetitions; i++)
            {
                baseline.Add(Time(() => ReadEveryHash(database)));
                match.Add(Time(() => found = hunt.MatchAsync(hunted).GetAwaiter().GetResult().Count));
            }
            var b = Median(baseline);
            var m = Median(match);
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"hunt-match: {hashes:N0} hashes against {entries:N0} index entries ({found} matched), median of {repetitions}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  baseline (read every row's hash):  {b,8:F0} ms");
            text.AppendLine(CultureInfo.InvariantCulture, $"  LocalHashHunt.MatchAsync:          {m,8:F0} ms   ratio {m / b:F2}");
            return text.ToString();
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static List<byte[]> Fill(AgentDatabase database, int entries, int matches)
    {
        var known = new List<byte[]>();
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO file_index (path, device, inode, size, mtime_ns, ctime_ns, sha256, verdict, names, database_version, scanned_at)
            VALUES ($path, 2049, $inode, 4096, 0, 0, $sha256, 1, '', '0-0123456789', 0)
            """;
        var path = insert.Parameters.Add("$path", SqliteType.Text);
        var inode = insert.Parameters.Add("$inode", SqliteType.Integer);
        var sha256 = insert.Parameters.Add("$sha256", SqliteType.Blob);
        var step = Math.Max(1, entries / Math.Max(1, matches));
        for (var i = 0; i < entries; i++)
        {
            var hash = RandomNumberGenerator.GetBytes(32);
            path.Value = string.Create(CultureInfo.InvariantCulture, $"/usr/lib/pkg{i % 5000}/file{i}.so");
            inode.Value = i;
            sha256.Value = hash;
            insert.ExecuteNonQuery();
            if (i % step == 0 && known.Count < matches)
            {
                known.Add(hash);
            }
        }
        transaction.Commit();
        return known;
    }

    private static void ReadEveryHash(AgentDatabase database)
    {
        using var connection = database.Open();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT rowid, sha256 FROM file_index";
        using var reader = select.ExecuteReader();
        var buffer = new byte[32];
        long sum = 0;
        while (reader.Read())
        {
            sum += reader.GetBytes(1, 0, buffer, 0, 32) + reader.GetInt64(0);
        }
        GC.KeepAlive(sum);
    }

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
