namespace Lightshield.Agent.OnAccess;

internal static partial class OnAccessLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "On-access protection started: {Paths} ({Mode}, {Scope} marks, decision timeout {TimeoutMs} ms, scan after close-write {CloseWrite}, {Workers} decision workers)")]
    public static partial void Started(ILogger logger, string paths, OnAccessMode mode, string scope, double timeoutMs, bool closeWrite, int workers);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "On-access protection stopped; {Released} pending opens released with allow; {Statistics}")]
    public static partial void Stopped(ILogger logger, int released, OnAccessStatistics statistics);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "On-access denied {Path} to {Process} (pid {Pid})")]
    public static partial void Denied(ILogger logger, string path, string? process, int pid);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "On-access decision for {Path} (pid {Pid}) timed out after {TimeoutMs} ms; answered {Decision} ({Policy})")]
    public static partial void DecisionTimedOut(ILogger logger, string path, int pid, double timeoutMs, AccessDecision decision, FailPolicy policy);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning,
        Message = "On-access decision for {Path} (pid {Pid}) failed; answered {Decision} ({Policy})")]
    public static partial void DecisionFailed(ILogger logger, Exception exception, string path, int pid, AccessDecision decision, FailPolicy policy);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning,
        Message = "The fanotify event queue overflowed: events were lost (the kernel allowed the opens it dropped)")]
    public static partial void QueueOverflow(ILogger logger);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning,
        Message = "Post-close scan queue full ({Capacity}); dropping closed-after-write files, first {Path}")]
    public static partial void CloseWriteDropping(ILogger logger, int capacity, string path);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Post-close scan queue accepts files again; {Dropped} were dropped")]
    public static partial void CloseWriteRecovered(ILogger logger, long dropped);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Post-close scan of {Path} failed")]
    public static partial void CloseWriteHookFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 10, Level = LogLevel.Critical,
        Message = "The fanotify reader failed; on-access protection is off (the kernel allows every pending open)")]
    public static partial void ReaderFaulted(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Answering the open of {Path} failed with errno {Errno}")]
    public static partial void ResponseFailed(ILogger logger, string path, int errno);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning,
        Message = "Reading fanotify events failed with errno {Errno}; the kernel denied that batch's opens")]
    public static partial void ReadFailed(ILogger logger, int errno);

    [LoggerMessage(EventId = 13, Level = LogLevel.Debug,
        Message = "Late on-access decision {Decision} for {Path} ignored: the open was already answered")]
    public static partial void LateDecision(ILogger logger, string path, AccessDecision decision);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning,
        Message = "Decisions still running {WaitMs} ms after stop; their opens were answered with allow")]
    public static partial void WorkersDidNotStop(ILogger logger, double waitMs);

    [LoggerMessage(EventId = 15, Level = LogLevel.Error, Message = "Handling a fanotify event failed; the open was allowed")]
    public static partial void EventFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning, Message = "On-access process exclusion ignored: {Reason}")]
    public static partial void ProcessExclusionRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 17, Level = LogLevel.Warning,
        Message = "On-access: {Path} is marked by mount, not by file system ({Reason}): opens of it through a bind mount or another mount namespace are not seen")]
    public static partial void FilesystemMarkRefused(ILogger logger, string path, string reason);
}
