using Lightshield.Engine.Native;
using Microsoft.Extensions.Logging;

namespace Lightshield.Engine;

/// <summary>Forwards libclamav's messages to a logger. libclamav's errors during scans are mostly about the
/// content (truncated archives...), so they log as warnings; its warnings as debug; its verbose output as trace.</summary>
internal sealed class LoggerMessageSink(ILogger logger) : IClamMessageSink
{
    public bool Accepts(ClamMessageSeverity severity) => logger.IsEnabled(LevelOf(severity));

    public void OnMessage(ClamMessageSeverity severity, string message) =>
        EngineLog.LibClamAv(logger, LevelOf(severity), message);

    private static LogLevel LevelOf(ClamMessageSeverity severity) => severity switch
    {
        ClamMessageSeverity.Error => LogLevel.Warning,
        ClamMessageSeverity.Warning => LogLevel.Debug,
        _ => LogLevel.Trace,
    };
}
