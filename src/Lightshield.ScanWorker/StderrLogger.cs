using Microsoft.Extensions.Logging;

namespace Lightshield.ScanWorker;

/// <summary>The engine's log, one line per message on standard error, which the scan server reads and logs as its own
/// (the worker has no other way out).</summary>
internal sealed class StderrLogger(TextWriter writer) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }
        var line = formatter(state, exception).ReplaceLineEndings(" ");
        lock (writer)
        {
            writer.WriteLine($"{Level(logLevel)}: {line}");
            writer.Flush();
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Information => "info",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        LogLevel.Critical => "critical",
        _ => "debug",
    };
}
