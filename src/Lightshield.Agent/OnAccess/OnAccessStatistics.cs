namespace Lightshield.Agent.OnAccess;

/// <summary>Counters of a <see cref="FanotifyGuard"/> since it started, for metrics and health.</summary>
/// <param name="Events">Events read from the kernel (permission, close-write and overflow).</param>
/// <param name="Allowed">Permission events answered with allow (for any reason).</param>
/// <param name="Denied">Permission events answered with deny (a decision or a fail-closed policy).</param>
/// <param name="Timeouts">Permission events answered by their fail policy because no decision came in time.</param>
/// <param name="DecisionErrors">Permission events answered by their fail policy because the decision threw.</param>
/// <param name="OwnProcessSkips">Events caused by the agent's own process, allowed or ignored at once.</param>
/// <param name="Excluded">Events outside the protected paths or excluded by path or process.</param>
/// <param name="Overflows">Kernel queue overflows (<c>FAN_Q_OVERFLOW</c>): events were lost.</param>
/// <param name="CloseWriteQueued">Closed-after-write paths handed to the post-close hook's queue.</param>
/// <param name="CloseWriteDropped">Closed-after-write paths dropped because that queue was full.</param>
/// <param name="ReadErrors">Reads of the event queue that failed (the kernel denied that batch's permission events).</param>
public sealed record OnAccessStatistics(
    long Events,
    long Allowed,
    long Denied,
    long Timeouts,
    long DecisionErrors,
    long OwnProcessSkips,
    long Excluded,
    long Overflows,
    long CloseWriteQueued,
    long CloseWriteDropped,
    long ReadErrors);
