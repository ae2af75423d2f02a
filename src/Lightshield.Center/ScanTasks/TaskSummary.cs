namespace Lightshield.Center.ScanTasks;

/// <summary>A task's progress summed over its agents, counted by one rule everywhere (REST, console, dashboard):
/// <paramref name="Running"/> includes runs waiting for a full-scan lease; a run is finished when it completed or failed.</summary>
public sealed record TaskSummary(int Agents, int Queued, int Running, int Completed, int Failed, long FilesScanned, long FilesInfected)
{
    public static readonly TaskSummary Empty = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>Runs that completed or failed.</summary>
    public int Finished => Completed + Failed;
}
