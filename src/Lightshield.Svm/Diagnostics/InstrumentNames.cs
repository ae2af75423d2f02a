namespace Lightshield.Svm.Diagnostics;

/// <summary>Every metric the scan server exports, in one place (Prometheus turns dots into underscores).</summary>
internal static class InstrumentNames
{
    public const string MeterName = "Lightshield.Svm";
    public const string Scans = "lightshield.svm.scans";
    public const string ScannedBytes = "lightshield.svm.scanned_bytes";
    public const string LookupKeys = "lightshield.svm.lookup_keys";
    public const string LookupHits = "lightshield.svm.lookup_hits";
    public const string LookupOutdated = "lightshield.svm.lookup_outdated";
    public const string SharedScans = "lightshield.svm.shared_scans";
    public const string KeyMismatches = "lightshield.svm.key_mismatches";
    public const string Rejections = "lightshield.svm.rejections";
    public const string QueueDepth = "lightshield.svm.queue_depth";
    public const string RunningScans = "lightshield.svm.running_scans";
    public const string Signatures = "lightshield.svm.engine_signatures";
    public const string Reloads = "lightshield.svm.engine_reloads";
    public const string RetroDetections = "lightshield.svm.retro_detections";
    public const string WorkersEnded = "lightshield.svm.workers_ended";
    public const string ContentRefused = "lightshield.svm.content_refused";
    public const string OnAccessDemotions = "lightshield.svm.on_access_demotions";
    public const string UploadStalls = "lightshield.svm.upload_stalls";
}
