using System.Security.Cryptography;
using Lightshield.Client;
using Lightshield.FleetBench.Measurement;
using Lightshield.Protocol.Scan;
using Lightshield.Protocol.Transport;
using FileKey = Lightshield.Verdicts.FileKey;

namespace Lightshield.FleetBench.Modes;

/// <summary>One point of the memory curve: N VMs per scan server. The scan server's peak is measured with N simulated
/// agents at once; the agents' share is N times the largest real agent's peak of the fleet's first scan, the classic
/// figure N times the mean per-VM clamscan peak of the same run's first scan.</summary>
internal sealed record MemoryCurvePoint(int Vms, long ServerPeakBytes, long AgentPeakBytes, long ClassicPerVmPeakBytes)
{
    public long LightshieldBytes => ServerPeakBytes + (Vms * AgentPeakBytes);

    public long ClassicBytes => Vms * ClassicPerVmPeakBytes;

    public double Ratio => ClassicBytes == 0 ? double.NaN : (double)LightshieldBytes / ClassicBytes;
}

/// <summary>
/// The scan server's memory with N agents at once (issue 20's curve for 10, 50 and 100 VMs per scan server), on the
/// running scan server of the Lightshield mode after its scans. Each simulated agent is what a real agent's first scan
/// is to the server: its own TLS connection (the pinned certificate), look-ups of <see cref="LookupsPerAgent"/> keys
/// the server has never seen, in the agent's batches, then <see cref="UploadsPerAgent"/> files of its own (random
/// content, so libclamav scans each), <see cref="UploadsInFlight"/> at a time as the agent uploads. All N start
/// together; the server's VmHWM is reset before each point. Simulated, because N real agent processes would each cost
/// a VM's CPU on this machine's 2 cores; the agents' own memory is the real agents' measured peak.
/// </summary>
internal static class ServerMemoryCurve
{
    public static readonly int[] DefaultSizes = [10, 50, 100];

    private const int LookupsPerAgent = 2048;
    private const int LookupBatch = 256;
    private const int UploadsPerAgent = 16;
    private const int UploadsInFlight = 4;
    private const int UploadBytes = 48 * 1024;

    /// <summary>The scan server's peak resident bytes with each of <paramref name="sizes"/> simulated agents at once.</summary>
    public static async Task<IReadOnlyList<(int Vms, long ServerPeakBytes)>> MeasureAsync(BenchProcess server, Uri address, string certificateSha256,
        int[] sizes, TextWriter log, CancellationToken cancellationToken)
    {
        var points = new List<(int, long)>();
        foreach (var vms in sizes)
        {
            server.ResetPeak();
            await Task.WhenAll(Enumerable.Range(0, vms).Select(i => SimulateAgentAsync(address, certificateSha256, $"curve-{vms}-{i}", cancellationToken)));
            var peak = server.PeakResidentBytes;
            log.WriteLine(FormattableString.Invariant($"memory curve: {vms} simulated agents at once, scan server peak {peak / 1048576.0:0} MiB"));
            points.Add((vms, peak));
        }
        return points;
    }

    private static async Task SimulateAgentAsync(Uri address, string certificateSha256, string name, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannels.Open(address, certificateSha256);
        var client = new ScanServerClient(new ScanService.ScanServiceClient(channel));
        var busy = new BusyRetry(TimeProvider.System, Timeout.InfiniteTimeSpan); // as the agent waits for a busy server
        var keys = Enumerable.Range(0, LookupsPerAgent).Select(_ => FileKey.From(RandomNumberGenerator.GetBytes(32), 4096)).ToList();
        foreach (var batch in keys.Chunk(LookupBatch))
        {
            await client.LookupAsync(batch, "tenant-0", cancellationToken);
        }
        await Parallel.ForEachAsync(Enumerable.Range(0, UploadsPerAgent), new ParallelOptions { MaxDegreeOfParallelism = UploadsInFlight, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var content = RandomNumberGenerator.GetBytes(UploadBytes);
                var key = FileKey.From(SHA256.HashData(content), content.Length);
                var outcome = await busy.RunAsync(attempt => client.ScanAsync(key, () => new MemoryStream(content, writable: false), Priority.OnDemand,
                    "tenant-0", $"{name}-{i}", cancellationToken: attempt), token);
                if (outcome.Kind != ScanOutcomeKind.Answered)
                {
                    throw new InvalidOperationException($"simulated agent {name}: upload {i} not answered ({outcome.Kind}: {outcome.Reason})");
                }
            });
    }
}
