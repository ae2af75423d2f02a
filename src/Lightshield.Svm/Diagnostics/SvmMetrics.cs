using System.Diagnostics.Metrics;
using Lightshield.Svm.Admission;
using Lightshield.Svm.Workers;
using Lightshield.Verdicts;

namespace Lightshield.Svm.Diagnostics;

/// <summary>The scan server's meter. Cache hit/miss/eviction counts come from the verdict cache's own meter.</summary>
public sealed class SvmMetrics
{
    private readonly Counter<long> _scans;
    private readonly Counter<long> _scannedBytes;
    private readonly Counter<long> _lookupKeys;
    private readonly Counter<long> _lookupHits;
    private readonly Counter<long> _lookupOutdated;
    private readonly Counter<long> _sharedScans;
    private readonly Counter<long> _keyMismatches;
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _reloads;
    private readonly Counter<long> _retroDetections;
    private readonly Counter<long> _uploadStalls;

    public SvmMetrics(IMeterFactory meterFactory, AdmissionController admission, OnAccessRation ration, ScanWorkers engine)
    {
        var meter = meterFactory.Create(InstrumentNames.MeterName);
        _scans = meter.CreateCounter<long>(InstrumentNames.Scans, "{scan}", "Files scanned by the engine, by priority and result");
        _scannedBytes = meter.CreateCounter<long>(InstrumentNames.ScannedBytes, "By", "Content bytes received and scanned");
        _lookupKeys = meter.CreateCounter<long>(InstrumentNames.LookupKeys, "{key}", "File keys looked up");
        _lookupHits = meter.CreateCounter<long>(InstrumentNames.LookupHits, "{key}", "Looked-up keys answered from the cache");
        _lookupOutdated = meter.CreateCounter<long>(InstrumentNames.LookupOutdated, "{key}",
            "Looked-up keys answered with an outdated clean verdict (older database or past the maximum clean age), waiting for a rescan");
        _sharedScans = meter.CreateCounter<long>(InstrumentNames.SharedScans, "{scan}", "Scan requests answered by another request's scan of the same content in progress");
        _keyMismatches = meter.CreateCounter<long>(InstrumentNames.KeyMismatches, "{scan}", "Scans refused because content did not match its declared key");
        _rejections = meter.CreateCounter<long>(InstrumentNames.Rejections, "{scan}", "Scans refused by admission control, by priority");
        _reloads = meter.CreateCounter<long>(InstrumentNames.Reloads, "{reload}", "Signature database reloads, by result");
        _retroDetections = meter.CreateCounter<long>(InstrumentNames.RetroDetections, "{entry}", "Cached clean verdicts turned infected by a database update");
        meter.CreateObservableGauge(InstrumentNames.QueueDepth, () => new[]
        {
            new Measurement<int>(admission.QueueDepth(ScanPriority.OnAccess), new KeyValuePair<string, object?>("priority", "on_access")),
            new Measurement<int>(admission.QueueDepth(ScanPriority.OnDemand), new KeyValuePair<string, object?>("priority", "on_demand")),
            new Measurement<int>(admission.QueueDepth(ScanPriority.Scheduled), new KeyValuePair<string, object?>("priority", "scheduled")),
        }, "{scan}", "Scans waiting for a slot");
        meter.CreateObservableGauge(InstrumentNames.RunningScans, () => admission.Running, "{scan}", "Scans running now");
        meter.CreateObservableGauge(InstrumentNames.Signatures, () => new Measurement<long>(
            engine.Database.SignatureCount,
            new KeyValuePair<string, object?>("engine_version", engine.EngineVersion),
            new KeyValuePair<string, object?>("database_version", engine.Database.Version)),
            "{signature}", "Signatures loaded in the engine, tagged with engine and database version");
        var workersEnded = meter.CreateCounter<long>(InstrumentNames.WorkersEnded, "{worker}",
            "Scan workers that ended on their own, by why: crash (during a scan), refused (the content's last strike), exit (idle)");
        var contentRefused = meter.CreateCounter<long>(InstrumentNames.ContentRefused, "{scan}",
            "Scans refused because their content already stopped the engine as often as allowed");
        _uploadStalls = meter.CreateCounter<long>(InstrumentNames.UploadStalls, "{scan}",
            "Admitted scans that lost their slot because the upload missed its deadline or minimum rate, by reason (deadline, rate)");
        var demotions = meter.CreateCounter<long>(InstrumentNames.OnAccessDemotions, "{scan}",
            "Requests claiming on-access beyond their tenant's ration, served as on-demand, by reason (in_flight, rate)");
        ration.Demoted = reason => demotions.Add(1, new KeyValuePair<string, object?>("reason", reason));
        engine.WorkerEnded = reason => workersEnded.Add(1, new KeyValuePair<string, object?>("reason", reason));
        engine.ContentRefused = () => contentRefused.Add(1);
    }

    public void Scanned(ScanPriority priority, VerdictKind result, long bytes)
    {
        _scans.Add(1, new KeyValuePair<string, object?>("priority", Tag(priority)), new KeyValuePair<string, object?>("result", Tag(result)));
        _scannedBytes.Add(bytes);
    }

    public void LookedUp(int keys, int hits, int outdated)
    {
        _lookupKeys.Add(keys);
        _lookupHits.Add(hits);
        _lookupOutdated.Add(outdated);
    }

    public void UploadStalled(string reason) => _uploadStalls.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void SharedScan() => _sharedScans.Add(1);

    public void KeyMismatch() => _keyMismatches.Add(1);

    public void Rejected(ScanPriority priority) => _rejections.Add(1, new KeyValuePair<string, object?>("priority", Tag(priority)));

    public void Reloaded(bool succeeded, long retroDetections)
    {
        _reloads.Add(1, new KeyValuePair<string, object?>("result", succeeded ? "ok" : "failed"));
        _retroDetections.Add(retroDetections);
    }

    private static string Tag(ScanPriority priority) => priority switch
    {
        ScanPriority.OnAccess => "on_access",
        ScanPriority.OnDemand => "on_demand",
        _ => "scheduled",
    };

    private static string Tag(VerdictKind kind) => kind switch
    {
        VerdictKind.Clean => "clean",
        VerdictKind.Infected => "infected",
        VerdictKind.LimitExceeded => "limit_exceeded",
        _ => "error",
    };
}
