namespace Lightshield.Center.ScanTasks;

/// <summary>The words for a run's and a task kind's stored values, the same in the REST API and the console.</summary>
public static class TaskRunStates
{
    public static string Name(TaskRunState state) => state switch
    {
        TaskRunState.Queued => "queued",
        TaskRunState.WaitingForLease => "waitingforlease",
        TaskRunState.Running => "running",
        TaskRunState.Completed => "completed",
        TaskRunState.Failed => "failed",
        _ => state.ToString().ToLowerInvariant(),
    };

    public static bool IsFinished(TaskRunState state) => state is TaskRunState.Completed or TaskRunState.Failed;

    public static string KindName(ScanTaskKind kind) => kind switch
    {
        ScanTaskKind.FullScan => "full-scan",
        ScanTaskKind.MemoryScan => "memory-scan",
        _ => "scan",
    };

    /// <summary>The kind for <c>scan</c>, <c>full-scan</c> or <c>memory-scan</c> (any case, dash optional); null for anything else.</summary>
    public static ScanTaskKind? ParseKind(string? name) =>
        Enum.TryParse<ScanTaskKind>(name?.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var kind) && Enum.IsDefined(kind)
            && !int.TryParse(name, out _)
            ? kind : null;
}
