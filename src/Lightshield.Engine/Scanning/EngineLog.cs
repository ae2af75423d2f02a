using Microsoft.Extensions.Logging;

namespace Lightshield.Engine;

internal static partial class EngineLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Scan engine libclamav {EngineVersion} ready: profile {Profile} ({ProfileDescription}), temporary directory {TemporaryDirectory}")]
    public static partial void EngineReady(ILogger logger, string engineVersion, string profile, string profileDescription, string temporaryDirectory);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Loaded signature database {DatabaseVersion} from {Directory}: {Signatures} signatures in {Files} files, {ElapsedMs} ms")]
    public static partial void DatabaseLoaded(ILogger logger, string databaseVersion, string directory, long signatures, int files, long elapsedMs);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information,
        Message = "Reloaded signature database {PreviousVersion} -> {CurrentVersion}: {ChangedFiles} changed files")]
    public static partial void DatabaseReloaded(ILogger logger, string previousVersion, string currentVersion, int changedFiles);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error,
        Message = "Reloading the signature database from {Directory} failed; database {DatabaseVersion} keeps serving")]
    public static partial void ReloadFailed(ILogger logger, Exception exception, string directory, string databaseVersion);

    [LoggerMessage(EventId = 5, Message = "libclamav: {Message}")]
    public static partial void LibClamAv(ILogger logger, LogLevel level, string message);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning,
        Message = "Signature database in {Directory} changed while it was loading; loading it again")]
    public static partial void DatabaseChangedDuringLoad(ILogger logger, string directory);
}
