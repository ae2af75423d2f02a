using Grpc.Net.Client;
using Lightshield.Bench.Support;
using Lightshield.Client;
using Lightshield.Svm.Sharing;
using Lightshield.Svm.Workers;
using Lightshield.Verdicts;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Bench.Lookup;

/// <summary>Direct (in-process <see cref="IVerdictCache"/>), plaintext gRPC and TLS gRPC look-ups of the same
/// pre-populated keys, measured cell by cell one right after the other, so each ratio compares figures taken
/// seconds apart on the same noisy machine.</summary>
internal static class LookupBenchmark
{
    private const string Tenant = "bench";

    public static async Task RunAsync(LookupSettings settings, CancellationToken cancellationToken)
    {
        var database = BenchPaths.StarterDatabase;
        await using var plaintext = await BenchServer.StartAsync(database, tls: false);
        await using var tls = await BenchServer.StartAsync(database, tls: true);
        var keys = RandomKeys(settings.Keys, seed: 42);
        await PopulateAsync(plaintext, keys, cancellationToken);
        await PopulateAsync(tls, keys, cancellationToken);
        var directCache = plaintext.Services.GetRequiredService<IVerdictCache>();
        Console.WriteLine($"{settings.Keys:N0} verdicts in each server's cache (99% clean, 1% infected); " +
            $"{Environment.ProcessorCount} cores; {(settings.SharedChannel ? "one shared channel" : "one channel per caller")}; " +
            $"{settings.Duration.TotalSeconds:0.#} s per cell");

        var maxCallers = settings.Callers.Max();
        var plainClients = Clients(plaintext, maxCallers, settings.SharedChannel, out var plainChannels);
        var tlsClients = Clients(tls, maxCallers, settings.SharedChannel, out var tlsChannels);
        try
        {
            var paths = new (string Name, LookupCall Call)[]
            {
                ("direct IVerdictCache", async (batch, _, token) => Found(await directCache.LookupAsync(batch, token))),
                ("gRPC plaintext", async (batch, caller, token) => Found(await plainClients[caller].LookupAsync(batch, Tenant, token))),
                ("gRPC TLS", async (batch, caller, token) => Found(await tlsClients[caller].LookupAsync(batch, Tenant, token))),
            };
            // JIT, connections and TLS handshakes before anything is measured.
            foreach (var (_, call) in paths)
            {
                await LookupLoop.RunAsync(call, Batches(keys, 100), maxCallers, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(0.5), cancellationToken);
            }

            var table = new MarkdownTable("path", "batch", "callers", "keys/s", "calls/s", "p50 µs", "p99 µs", "ratio to direct");
            var best = new Dictionary<string, double>();
            foreach (var batchSize in settings.BatchSizes)
            {
                var batches = Batches(keys, batchSize);
                foreach (var callers in settings.Callers)
                {
                    double? direct = null;
                    foreach (var (name, call) in paths)
                    {
                        var cell = await LookupLoop.RunAsync(call, batches, callers, settings.Duration / 4, settings.Duration, cancellationToken);
                        direct ??= cell.KeysPerSecond;
                        best[name] = Math.Max(best.GetValueOrDefault(name), cell.KeysPerSecond);
                        table.Add(name, batchSize.ToString(Format.Invariant), callers.ToString(Format.Invariant), Format.N(cell.KeysPerSecond),
                            Format.N(cell.CallsPerSecond), Format.Micros(cell.P50Seconds), Format.Micros(cell.P99Seconds),
                            Format.Ratio(cell.KeysPerSecond / direct.Value, "0.000"));
                        Console.WriteLine($"  {name,-22} batch {batchSize,5} callers {callers}: {cell.KeysPerSecond,12:N0} keys/s");
                    }
                }
            }
            Console.WriteLine();
            Console.Write(table);
            Console.WriteLine();
            const double Target = 100_000;
            foreach (var name in new[] { "gRPC plaintext", "gRPC TLS" })
            {
                Console.WriteLine($"target >= {Target:N0} keys/s, {name}: best {best[name]:N0} keys/s -> {(best[name] >= Target ? "MET" : "MISSED")}");
            }
        }
        finally
        {
            foreach (var channel in plainChannels.Concat(tlsChannels))
            {
                channel.Dispose();
            }
        }
    }

    private static ScanServerClient[] Clients(BenchServer server, int count, bool shared, out GrpcChannel[] channels)
    {
        channels = [.. Enumerable.Range(0, shared ? 1 : count).Select(_ => server.OpenChannel())];
        var opened = channels;
        return [.. Enumerable.Range(0, count).Select(i => BenchServer.Client(opened[shared ? 0 : i]))];
    }

    private static int Found(Verdict?[] verdicts)
    {
        var found = 0;
        foreach (var verdict in verdicts)
        {
            if (verdict is not null)
            {
                found++;
            }
        }
        return found;
    }

    private static FileKey[] RandomKeys(int count, int seed)
    {
        var random = new Random(seed);
        var hash = new byte[FileKey.HashLength];
        var keys = new FileKey[count];
        for (var i = 0; i < count; i++)
        {
            random.NextBytes(hash);
            keys[i] = FileKey.From(hash, random.NextInt64(1, 64L * 1024 * 1024));
        }
        return keys;
    }

    private static async Task PopulateAsync(BenchServer server, FileKey[] keys, CancellationToken cancellationToken)
    {
        var cache = server.Services.GetRequiredService<IVerdictCache>();
        // As if the bench's tenant had uploaded each file: the scan server gives a tenant only verdicts of content it
        // has shown it holds (ContentPresence), and the look-ups measured are hits with that check included.
        var presence = server.Services.GetRequiredService<ContentPresence>();
        var version = server.Services.GetRequiredService<ScanWorkers>().Database.Version;
        var md5 = new byte[16];
        var now = TimeProvider.System.GetUtcNow();
        for (var i = 0; i < keys.Length; i++)
        {
            var verdict = i % 100 == 0 ? Verdict.Infected("Lightshield.Bench.Sample", version, now) : Verdict.Clean(version, now);
            await cache.StoreAsync(keys[i], md5, verdict, cancellationToken);
            presence.Uploaded(Tenant, keys[i]);
        }
    }

    /// <summary>The keys in consecutive batches (the last one may be shorter).</summary>
    private static FileKey[][] Batches(FileKey[] keys, int size) => [.. keys.Chunk(size)];
}
