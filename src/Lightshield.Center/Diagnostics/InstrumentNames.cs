namespace Lightshield.Center.Diagnostics;

/// <summary>Every metric the center exports, in one place (Prometheus turns dots into underscores). No instrument
/// carries a tenant's id or name: the center's port is reachable by tenants, and counts per tenant are theirs.</summary>
internal static class InstrumentNames
{
    public const string MeterName = "Lightshield.Center";
    public const string AgentSyncs = "lightshield.center.agent_syncs";
    public const string AgentSyncDuration = "lightshield.center.agent_sync_duration";
    public const string EventsIngested = "lightshield.center.events_ingested";
    public const string Enrolments = "lightshield.center.enrolments";
    public const string FailedSignIns = "lightshield.center.failed_sign_ins";
    public const string TasksDispatched = "lightshield.center.tasks_dispatched";
    public const string ScanServersUp = "lightshield.center.scan_servers_up";
    public const string AgentsSeen = "lightshield.center.agents_seen";
}
