using Microsoft.Extensions.Logging;

namespace Lightshield.Verdicts;

/// <summary>Log messages of the verdict cache (pre-compiled: the source generator is not referenced here).</summary>
internal static class VerdictLog
{
    private static readonly Action<ILogger, string, long, Exception?> L2FailedMessage = LoggerMessage.Define<string, long>(
        LogLevel.Warning,
        new EventId(1, "VerdictCacheL2Failed"),
        "Shared verdict cache (Redis) {Operation} failed; answering from L1 only ({Suppressed} similar warnings suppressed)");

    private static readonly Action<ILogger, string, long, Exception?> L2UnavailableMessage = LoggerMessage.Define<string, long>(
        LogLevel.Warning,
        new EventId(2, "VerdictCacheL2Unavailable"),
        "Shared verdict cache (Redis) is not connected; {Operation} uses L1 only ({Suppressed} similar warnings suppressed)");

    private static readonly Action<ILogger, long, Exception?> L2MalformedMessage = LoggerMessage.Define<long>(
        LogLevel.Warning,
        new EventId(3, "VerdictCacheL2Malformed"),
        "Shared verdict cache (Redis) returned a malformed value, treated as a miss ({Suppressed} similar warnings suppressed)");

    private static readonly Action<ILogger, string, Exception?> L2ConnectionFailedMessage = LoggerMessage.Define<string>(
        LogLevel.Warning,
        new EventId(4, "VerdictCacheL2ConnectionFailed"),
        "Connection to the shared verdict cache (Redis) at {Endpoint} failed; answering from L1 only until it is restored");

    private static readonly Action<ILogger, string, Exception?> L2ConnectionRestoredMessage = LoggerMessage.Define<string>(
        LogLevel.Information,
        new EventId(5, "VerdictCacheL2ConnectionRestored"),
        "Connection to the shared verdict cache (Redis) at {Endpoint} restored");

    private static readonly Action<ILogger, long, Exception?> L2UnauthenticatedMessage = LoggerMessage.Define<long>(
        LogLevel.Warning,
        new EventId(6, "VerdictCacheL2Unauthenticated"),
        "Shared verdict cache (Redis) holds a value without a valid HMAC of the site's verdict key: written by something other than this site's scan servers (or under another key); ignored as a miss ({Suppressed} similar warnings suppressed)");

    private static readonly Action<ILogger, string, string, Exception?> L2AuthenticationFailedMessage = LoggerMessage.Define<string, string>(
        LogLevel.Error,
        new EventId(7, "VerdictCacheL2AuthenticationFailed"),
        "Redis at {Endpoint} refused the credentials of user '{User}' (check the Redis user and its password file); the shared verdict cache is off, answering from L1 only, retrying in the background");

    private static readonly Action<ILogger, string, Exception?> L2UnreachableAtStartMessage = LoggerMessage.Define<string>(
        LogLevel.Warning,
        new EventId(8, "VerdictCacheL2UnreachableAtStart"),
        "Shared verdict cache (Redis) at {Endpoint} could not be reached at start-up; serving from L1 only and retrying in the background");

    public static void L2UnreachableAtStart(ILogger logger, string endpoint) => L2UnreachableAtStartMessage(logger, endpoint, null);

    public static void L2Unauthenticated(ILogger logger, long suppressed) => L2UnauthenticatedMessage(logger, suppressed, null);

    public static void L2AuthenticationFailed(ILogger logger, string endpoint, string user, Exception? exception) =>
        L2AuthenticationFailedMessage(logger, endpoint, user, exception);

    public static void L2Failed(ILogger logger, string operation, long suppressed, Exception exception) =>
        L2FailedMessage(logger, operation, suppressed, exception);

    public static void L2Unavailable(ILogger logger, string operation, long suppressed) =>
        L2UnavailableMessage(logger, operation, suppressed, null);

    public static void L2Malformed(ILogger logger, long suppressed) => L2MalformedMessage(logger, suppressed, null);

    public static void L2ConnectionFailed(ILogger logger, string endpoint, Exception? exception) =>
        L2ConnectionFailedMessage(logger, endpoint, exception);

    public static void L2ConnectionRestored(ILogger logger, string endpoint) => L2ConnectionRestoredMessage(logger, endpoint, null);
}
