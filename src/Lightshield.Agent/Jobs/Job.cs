namespace Lightshield.Agent.Jobs;

/// <summary>One unit of queued work: a file to scan, or a directory to expand into more jobs. <paramref name="Force"/>:
/// its task rescans unchanged files.</summary>
public sealed record Job(long Id, string TaskId, JobPriority Priority, bool IsDirectory, string Path, int Attempts, bool Force = false);

/// <summary>What scanning one file job produced: counted into its task, and remembered in the file index (unless
/// <paramref name="IndexUnchanged"/>: the index already holds that very entry).</summary>
public sealed record JobOutcome(Job Job, bool Infected, bool Failed, long BytesRead, Index.FileIndexEntry? IndexEntry, bool IndexUnchanged = false);

/// <summary>A task's progress as the queue knows it.</summary>
public sealed record TaskProgress(string Id, string Kind, JobPriority Priority, long FilesDone, long Infected, long Errors,
    long BytesRead, long Pending, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);
