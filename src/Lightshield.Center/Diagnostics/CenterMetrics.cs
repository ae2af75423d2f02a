using System.Diagnostics.Metrics;

namespace Lightshield.Center.Diagnostics;

/// <summary>The center's meter (<see cref="InstrumentNames.MeterName"/>), created through <see cref="IMeterFactory"/>. The
/// two gauges read the last figures <see cref="CenterGauges"/> counted in the database.</summary>
public sealed class CenterMetrics
{
    private readonly Counter<long> _syncs;
    private readonly Histogram<double> _syncDuration;
    private readonly Counter<long> _eventsIngested;
    private readonly Counter<long> _enrolments;
    private readonly Counter<long> _failedSignIns;
    private readonly Counter<long> _tasksDispatched;
    private int _scanServersUp;
    private int _agentsSeen;

    public CenterMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(InstrumentNames.MeterName);
        _syncs = meter.CreateCounter<long>(InstrumentNames.AgentSyncs, "{sync}", "Agent syncs answered, by result (ok, failed)");
        _syncDuration = meter.CreateHistogram<double>(InstrumentNames.AgentSyncDuration, "s", "Time the center took to answer an agent's sync");
        _eventsIngested = meter.CreateCounter<long>(InstrumentNames.EventsIngested, "{event}", "Agent events stored (duplicates and rejected ones not counted)");
        _enrolments = meter.CreateCounter<long>(InstrumentNames.Enrolments, "{agent}", "Agents enrolled");
        _failedSignIns = meter.CreateCounter<long>(InstrumentNames.FailedSignIns, "{sign-in}", "Refused password sign-ins (API and console), by reason");
        _tasksDispatched = meter.CreateCounter<long>(InstrumentNames.TasksDispatched, "{run}", "Task runs handed to agents in sync answers");
        meter.CreateObservableGauge(InstrumentNames.ScanServersUp, () => Volatile.Read(ref _scanServersUp), "{server}",
            "Scan servers heard from within the down threshold, at the last count");
        meter.CreateObservableGauge(InstrumentNames.AgentsSeen, () => Volatile.Read(ref _agentsSeen), "{agent}",
            "Agents that synced within the last three sync intervals, at the last count");
    }

    public void AgentSynced(bool succeeded, TimeSpan duration)
    {
        var result = new KeyValuePair<string, object?>("result", succeeded ? "ok" : "failed");
        _syncs.Add(1, result);
        _syncDuration.Record(duration.TotalSeconds, result);
    }

    public void EventsIngested(int count) => _eventsIngested.Add(count);

    public void Enrolled() => _enrolments.Add(1);

    public void SignInFailed(string reason) => _failedSignIns.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void TasksDispatched(int runs) => _tasksDispatched.Add(runs);

    public void Counted(int scanServersUp, int agentsSeen)
    {
        Volatile.Write(ref _scanServersUp, scanServersUp);
        Volatile.Write(ref _agentsSeen, agentsSeen);
    }
}
