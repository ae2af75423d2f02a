namespace Lightshield.Agent.OnAccess;

/// <summary>The live counters behind <see cref="OnAccessStatistics"/>, updated with <see cref="Interlocked"/>.</summary>
internal sealed class OnAccessCounters
{
    public long Events;
    public long Allowed;
    public long Denied;
    public long Timeouts;
    public long DecisionErrors;
    public long OwnProcessSkips;
    public long Excluded;
    public long Overflows;
    public long CloseWriteQueued;
    public long CloseWriteDropped;
    public long ReadErrors;

    public OnAccessStatistics Snapshot() => new(
        Interlocked.Read(ref Events),
        Interlocked.Read(ref Allowed),
        Interlocked.Read(ref Denied),
        Interlocked.Read(ref Timeouts),
        Interlocked.Read(ref DecisionErrors),
        Interlocked.Read(ref OwnProcessSkips),
        Interlocked.Read(ref Excluded),
        Interlocked.Read(ref Overflows),
        Interlocked.Read(ref CloseWriteQueued),
        Interlocked.Read(ref CloseWriteDropped),
        Interlocked.Read(ref ReadErrors));
}
