using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Lightshield.Testing;

/// <summary>A private three-master Redis Cluster on loopback, started by <c>scripts/redis-cluster.sh</c> (the script
/// <c>test.sh</c> starts the shared one with), with an ACL user and the default user off. For the tests that stop a
/// master, which must not touch the shared cluster. Every node is killed on dispose.</summary>
public sealed class AclRedisCluster : IAsyncDisposable
{
    public const int Masters = 3;

    private readonly TempDirectory _directory;

    private AclRedisCluster(TempDirectory directory, RedisTarget target)
    {
        _directory = directory;
        Target = target;
    }

    /// <summary>The nodes' addresses (comma-separated) and the credentials.</summary>
    public RedisTarget Target { get; }

    /// <summary>The nodes' addresses, in the order of <see cref="StopMasterAsync"/>'s numbers.</summary>
    public IReadOnlyList<string> Nodes => Target.Address.Split(',');

    public static async Task<AclRedisCluster> StartAsync(string user = "site-a")
    {
        var directory = new TempDirectory("lightshield-redis-cluster-");
        try
        {
            var (password, passwordFile, aclFile) = AclRedis.WriteAcl(directory, user);
            // Below the ephemeral range, so that Kestrel's port-0 listeners of other tests do not take the ports; the
            // script skips ports in use.
            var firstPort = Random.Shared.Next(16_000, 30_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var start = new ProcessStartInfo("bash")
            {
                ArgumentList = { Path.Combine(AppContext.BaseDirectory, "redis-cluster.sh"), directory.Path, firstPort, aclFile, user, passwordFile },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            var cluster = new AclRedisCluster(directory, new RedisTarget((await output).Trim(), user, password));
            if (process.ExitCode != 0 || cluster.Nodes.Count != Masters)
            {
                await cluster.DisposeAsync();
                throw new InvalidOperationException($"redis-cluster.sh failed ({process.ExitCode}): {await errors}");
            }
            return cluster;
        }
        catch
        {
            KillNodes(directory.Path);
            directory.Dispose();
            throw;
        }
    }

    /// <summary>Kills master <paramref name="node"/> (0 to 2, as in <see cref="Nodes"/>) as a crash would and waits
    /// until its port is closed. Its slots stay unserved: the cluster has no replicas.</summary>
    public async Task StopMasterAsync(int node)
    {
        KillNode(Path.Combine(_directory.Path, $"node-{node + 1}"));
        var port = int.Parse(Nodes[node].Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        for (int i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                return;
            }
        }
        throw new InvalidOperationException($"Redis node {Nodes[node]} still listens after it was killed.");
    }

    /// <summary>Moves <paramref name="slots"/> hash slots, with their keys, from master <paramref name="from"/> to master
    /// <paramref name="to"/> (<c>redis-cli --cluster reshard</c>): clients see <c>ASK</c> while a slot migrates and
    /// <c>MOVED</c> after.</summary>
    public async Task ReshardAsync(int from, int to, int slots)
    {
        var fromId = await RedisCliAsync(Nodes[from], "cluster", "myid");
        var toId = await RedisCliAsync(Nodes[to], "cluster", "myid");
        await RedisCliAsync(Nodes[from], "--cluster", "reshard", Nodes[from], "--cluster-from", fromId, "--cluster-to", toId,
            "--cluster-slots", slots.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cluster-yes");
    }

    private async Task<string> RedisCliAsync(string node, params string[] arguments)
    {
        var (host, port) = (node.Split(':')[0], node.Split(':')[1]);
        var start = new ProcessStartInfo("redis-cli")
        {
            ArgumentList = { "-h", host, "-p", port, "--user", Target.User! },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["REDISCLI_AUTH"] = Target.Password },
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode == 0
            ? (await output).Trim()
            : throw new InvalidOperationException($"redis-cli {string.Join(' ', arguments)} failed ({process.ExitCode}): {await errors}");
    }

    private static void KillNodes(string directory)
    {
        foreach (var node in Directory.EnumerateDirectories(directory, "node-*"))
        {
            KillNode(node);
        }
    }

    private static void KillNode(string nodeDirectory)
    {
        var pidFile = Path.Combine(nodeDirectory, "redis.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                process.WaitForExit(5000);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
            File.Delete(pidFile);
        }
    }

    public ValueTask DisposeAsync()
    {
        KillNodes(_directory.Path);
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }
}
