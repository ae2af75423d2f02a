using System.Diagnostics.Metrics;
using Lightshield.Agent.OnAccess;
using Lightshield.Agent.Scanning;
using Lightshield.Verdicts;

namespace Lightshield.Agent.Diagnostics;

/// <summary>The agent's meter (<see cref="AgentInstrumentNames.MeterName"/>). The agent listens on no port (nothing
/// connects into a VM): <see cref="MetricsTextFile"/> writes these figures to a file in its state directory, which
/// <c>lightshield-agent health</c> prints and node_exporter's textfile collector can read.</summary>
public sealed class AgentMetrics
{
    private readonly Counter<long> _files;
    private readonly Counter<long> _bytesRead;
    private readonly Counter<long> _detections;
    private readonly Counter<long> _syncs;
    private readonly Counter<long> _eventsDelivered;

    public AgentMetrics(IMeterFactory meterFactory, OnAccessStatus? onAccess = null)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(AgentInstrumentNames.MeterName);
        _files = meter.CreateCounter<long>(AgentInstrumentNames.FilesScanned, "{file}",
            "Files given a verdict, by result (clean, infected, too_large, error) and source (index: unchanged, not read; cache: read, the site knew the content; scanned: uploaded; none: no verdict asked)");
        _bytesRead = meter.CreateCounter<long>(AgentInstrumentNames.BytesRead, "By", "Bytes of files read to hash or upload them");
        _detections = meter.CreateCounter<long>(AgentInstrumentNames.Detections, "{file}", "Infected files, by how they were found (on-demand, on-access, memory)");
        _syncs = meter.CreateCounter<long>(AgentInstrumentNames.CenterSyncs, "{sync}", "Syncs with the center, by result (ok, failed, refused)");
        _eventsDelivered = meter.CreateCounter<long>(AgentInstrumentNames.EventsDelivered, "{event}", "Events the center acknowledged");
        if (onAccess is not null)
        {
            meter.CreateObservableCounter(AgentInstrumentNames.OnAccessAllowed, () => onAccess.Statistics?.Allowed ?? 0, "{open}", "Opens allowed by on-access protection since it started");
            meter.CreateObservableCounter(AgentInstrumentNames.OnAccessDenied, () => onAccess.Statistics?.Denied ?? 0, "{open}", "Opens denied by on-access protection since it started");
            meter.CreateObservableCounter(AgentInstrumentNames.OnAccessFailPolicy,
                () => (onAccess.Statistics?.Timeouts ?? 0) + (onAccess.Statistics?.DecisionErrors ?? 0), "{open}",
                "Opens answered by the fail policy because no verdict came in time or the decision failed");
            meter.CreateObservableCounter(AgentInstrumentNames.OnAccessOverflows, () => onAccess.Statistics?.Overflows ?? 0, "{overflow}",
                "Kernel event queue overflows (events were lost)");
            meter.CreateObservableGauge(AgentInstrumentNames.OnAccessActive, () => onAccess.IsActive ? 1 : 0, "{state}",
                "1 while the kernel intercepts opens, 0 when on-access protection is disabled or failed");
        }
    }

    /// <summary>Counts a batch's outcomes, each by result and by where its verdict came from.</summary>
    public void Scanned(IReadOnlyList<FileVerdict> verdicts)
    {
        foreach (var verdict in verdicts)
        {
            var source = verdict.Uploaded ? "scanned"
                : verdict.BytesRead > 0 ? "cache"
                : verdict.Verdict is { Kind: VerdictKind.Clean or VerdictKind.Infected } ? "index"
                : "none";
            _files.Add(1, new("result", Result(verdict)), new("source", source));
            if (verdict.BytesRead > 0)
            {
                _bytesRead.Add(verdict.BytesRead);
            }
        }
    }

    public void Detected(string how) => _detections.Add(1, new KeyValuePair<string, object?>("how", how));

    public void Synced(string result) => _syncs.Add(1, new KeyValuePair<string, object?>("result", result));

    public void EventsDelivered(int count) => _eventsDelivered.Add(count);

    private static string Result(FileVerdict verdict) => verdict.IsError ? "error" : verdict.Verdict!.Kind switch
    {
        VerdictKind.Infected => "infected",
        VerdictKind.LimitExceeded => "too_large",
        _ => "clean",
    };
}
