namespace Lightshield.Agent.Diagnostics;

/// <summary>Names of the agent's meter and instruments (OpenTelemetry style; <see cref="MetricsTextFile"/> writes them
/// in Prometheus form: dots become underscores, counters end in <c>_total</c>).</summary>
public static class AgentInstrumentNames
{
    public const string MeterName = "Lightshield.Agent";
    public const string FilesScanned = "lightshield.agent.files_scanned";
    public const string BytesRead = "lightshield.agent.bytes_read";
    public const string Detections = "lightshield.agent.detections";
    public const string CenterSyncs = "lightshield.agent.center_syncs";
    public const string EventsDelivered = "lightshield.agent.events_delivered";
    public const string OnAccessAllowed = "lightshield.agent.on_access.allowed";
    public const string OnAccessDenied = "lightshield.agent.on_access.denied";
    public const string OnAccessFailPolicy = "lightshield.agent.on_access.fail_policy";
    public const string OnAccessOverflows = "lightshield.agent.on_access.overflows";
    public const string OnAccessActive = "lightshield.agent.on_access.active";
}
