using System.Text.Json;
using Lightshield.Agent.Events;
using Lightshield.Agent.Scanning;
using Priority = Lightshield.Protocol.Scan.Priority;

namespace Lightshield.Agent.Memory;

/// <summary>A detection in a running process's image.</summary>
public sealed record MemoryDetection(int ProcessId, string ProcessName, string Path, IReadOnlyList<string> Names);

/// <summary>The memory scan task: scans every executable and mapped file of running processes once (through
/// the same scan path as files, so unchanged binaries cost a look-up) and reports each detection with the
/// processes that run or map it.</summary>
public sealed class MemoryScanner(FileBatchScanner scanner, EventOutbox outbox)
{
    public async Task<(int Files, IReadOnlyList<MemoryDetection> Detections)> ScanAsync(CancellationToken cancellationToken)
    {
        var images = ProcessImages.Snapshot();
        var byPath = images.GroupBy(i => i.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var detections = new List<MemoryDetection>();
        foreach (var batch in byPath.Keys.Chunk(256))
        {
            foreach (var verdict in await scanner.ScanAsync(batch, Priority.OnDemand, cancellationToken))
            {
                if (!verdict.IsInfected)
                {
                    continue;
                }
                foreach (var process in byPath[verdict.Path])
                {
                    var detection = new MemoryDetection(process.ProcessId, process.ProcessName, verdict.Path, verdict.Verdict!.Names);
                    detections.Add(detection);
                    await outbox.AppendAsync("memory-detection", JsonSerializer.Serialize(new
                    {
                        pid = detection.ProcessId,
                        process = detection.ProcessName,
                        path = detection.Path,
                        names = detection.Names,
                    }), cancellationToken);
                }
            }
        }
        return (byPath.Count, detections);
    }
}
