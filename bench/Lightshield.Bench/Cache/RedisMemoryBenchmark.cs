using System.Diagnostics;
using System.Globalization;
using Lightshield.Bench.Support;
using Lightshield.Verdicts;
using StackExchange.Redis;

namespace Lightshield.Bench.Cache;

/// <summary>What a million verdicts cost in Redis, single and cluster, written through the scan server's own store.</summary>
internal static class RedisMemoryBenchmark
{
    private const string User = "lightshield";

    public static async Task<string> RunAsync(int verdicts, int concurrency, int firstPort, CancellationToken cancellationToken)
    {
        var table = new MarkdownTable("Redis", "verdicts", "keys", "used_memory growth (MiB)", "bytes per verdict", "MiB per million verdicts", "ratio to single");
        double? single = null;
        foreach (bool cluster in (bool[])[false, true])
        {
            var directory = Directory.CreateTempSubdirectory("lightshield-redis-memory-");
            try
            {
                var password = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
                var passwordFile = Path.Combine(directory.FullName, "redis.password");
                await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
                var aclFile = Path.Combine(directory.FullName, "users.acl");
                await File.WriteAllTextAsync(aclFile, $"user default off\nuser {User} on >{password} ~* &* +@all\n", cancellationToken);
                var address = cluster
                    ? await StartClusterAsync(directory.FullName, aclFile, passwordFile, FreePort(firstPort), cancellationToken)
                    : await StartSingleAsync(directory.FullName, aclFile, FreePort(firstPort), cancellationToken);
                var (keys, growth) = await FillAsync(address, password, verdicts, concurrency, cancellationToken);
                double perVerdict = growth / verdicts;
                single ??= perVerdict;
                table.Add(cluster ? "cluster, 3 masters" : "single", Format.N(verdicts), Format.N(keys), Format.MiB(growth),
                    Format.N(perVerdict), Format.N(perVerdict * 1_000_000 / (1024 * 1024), "N0"), Format.Ratio(perVerdict / single.Value));
            }
            finally
            {
                foreach (var pidFile in Directory.EnumerateFiles(directory.FullName, "redis.pid", SearchOption.AllDirectories))
                {
                    Process.Start("kill", File.ReadAllText(pidFile).Trim())?.WaitForExit();
                }
                await Task.Delay(200, CancellationToken.None);
                directory.Delete(recursive: true);
            }
        }
        return $"{table}\n{Format.LoadAverage()}; redis-server {RedisVersion()}; each verdict is an entry and an MD5 index set, both with a TTL.\n";
    }

    private static async Task<(long Keys, double Growth)> FillAsync(string address, string password, int verdicts, int concurrency, CancellationToken cancellationToken)
    {
        var profile = ScanProfile.FromDescription("engine=1.4.3;heuristics=1;pua=0;bench=redis-memory");
        var options = new VerdictCacheOptions
        {
            L1Capacity = 1024,
            RedisConfiguration = address,
            RedisUser = User,
            RedisPassword = password,
            VerdictKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32),
            L2Timeout = TimeSpan.FromSeconds(30),
        };
        using var cache = await TieredVerdictCache.CreateAsync(profile, options);
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"{address},user={User},password={password},allowAdmin=true");
        var before = await UsedMemoryAsync(admin);
        var scannedAt = DateTimeOffset.UtcNow;
        await Parallel.ForEachAsync(Enumerable.Range(0, verdicts), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, _) =>
            {
                var content = BitConverter.GetBytes((long)i).Concat(BitConverter.GetBytes(0x5eed_cafeL)).ToArray();
                var key = FileKey.Compute(content);
#pragma warning disable CA5351 // the cache keeps the content's MD5 for ClamAV's MD5 hash signatures
                var md5 = System.Security.Cryptography.MD5.HashData(content);
#pragma warning restore CA5351
                var verdict = i % 1000 == 0 ? Verdict.Infected("Win.Test.Bench-" + i, "27500-0123456789", scannedAt) : Verdict.Clean("27500-0123456789", scannedAt);
                await cache.StoreAsync(key, md5, verdict, CancellationToken.None);
            });
        var after = await UsedMemoryAsync(admin);
        long keys = 0;
        foreach (var server in Masters(admin))
        {
            keys += await server.DatabaseSizeAsync();
        }
        return (keys, after - before);
    }

    private static IEnumerable<IServer> Masters(ConnectionMultiplexer connection) =>
        connection.GetServers().Where(server => !server.IsReplica);

    private static async Task<double> UsedMemoryAsync(ConnectionMultiplexer connection)
    {
        double total = 0;
        foreach (var server in Masters(connection))
        {
            var info = await server.InfoAsync("memory");
            total += double.Parse(info.SelectMany(group => group).First(pair => pair.Key == "used_memory").Value, CultureInfo.InvariantCulture);
        }
        return total;
    }

    private static async Task<string> StartSingleAsync(string directory, string aclFile, int port, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--daemonize", "yes", "--pidfile", Path.Combine(directory, "redis.pid"), "--dir", directory, "--logfile", Path.Combine(directory, "redis.log"),
                "--aclfile", aclFile },
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        await process.WaitForExitAsync(cancellationToken);
        await Task.Delay(300, cancellationToken);
        return $"127.0.0.1:{port}";
    }

    private static async Task<string> StartClusterAsync(string directory, string aclFile, string passwordFile, int port, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "redis-cluster.sh"), directory, port.ToString(CultureInfo.InvariantCulture), aclFile, User, passwordFile },
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0 ? output.Trim() : throw new InvalidOperationException($"redis-cluster.sh failed ({process.ExitCode})");
    }

    /// <summary><paramref name="from"/> or the next port after it that nothing listens on; any free port for 0.</summary>
    private static int FreePort(int from)
    {
        for (int port = from; from > 0 && port < 65536; port++)
        {
            using var probe = new System.Net.Sockets.TcpClient();
            try
            {
                probe.Connect(System.Net.IPAddress.Loopback, port);
            }
            catch (System.Net.Sockets.SocketException)
            {
                return port;
            }
        }
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RedisVersion()
    {
        using var process = Process.Start(new ProcessStartInfo("redis-server", "--version") { RedirectStandardOutput = true })!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return text.Split(' ').FirstOrDefault(part => part.StartsWith("v=", StringComparison.Ordinal))?[2..] ?? "?";
    }
}
