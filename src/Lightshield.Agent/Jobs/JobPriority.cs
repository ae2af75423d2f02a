namespace Lightshield.Agent.Jobs;

/// <summary>Order in which queued work is done; stored in the queue, so the values are frozen.</summary>
public enum JobPriority
{
    OnAccess = 1,
    OnDemand = 2,
    Scheduled = 3,
}
