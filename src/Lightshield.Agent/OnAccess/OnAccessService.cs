using System.Threading.Channels;
using Lightshield.Agent.Actions;
using Lightshield.Agent.Configuration;
using Lightshield.Agent.Diagnostics;
using Lightshield.Agent.Index;
using Lightshield.Agent.Scanning;
using Lightshield.Client.Content;
using Lightshield.Protocol.Policies;
using Microsoft.Extensions.Options;

namespace Lightshield.Agent.OnAccess;

/// <summary>On-access protection in the agent host, when <see cref="OnAccessOptions.Enabled"/>: starts the
/// <see cref="FanotifyGuard"/> with the agent's scan path as its decision, and applies the configured action to what
/// it finds, off the opener's path (the open is answered first). Protection that cannot start (no fanotify, not root)
/// is logged and shown in health; the agent keeps running its other tasks.</summary>
public sealed partial class OnAccessService : IHostedService, IAsyncDisposable
{
    private const int PendingActions = 1024;

    private readonly OnAccessOptions _options;
    private readonly DetectionActions _actions;
    private readonly OnAccessStatus _status;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly OnAccessDecider _decider;
    private readonly Channel<DetectedFile> _detections = Channel.CreateBounded<DetectedFile>(
        new BoundedChannelOptions(PendingActions) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private FanotifyGuard? _guard;
    private Task _actionRun = Task.CompletedTask;

    public OnAccessService(IOptions<OnAccessOptions> options, IOptions<AgentOptions> agent, ScanServerPool servers, FileIndex index,
        DetectionActions actions, OnAccessStatus status, ILoggerFactory loggers, TimeProvider time, AgentMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(loggers);
        _options = options.Value;
        _actions = actions;
        _status = status;
        _loggers = loggers;
        _logger = loggers.CreateLogger<OnAccessService>();
        _time = time;
        // Opens wait for this scanner: it has no read-rate limit (that budget is for background scans).
        var scanner = new FileBatchScanner(servers, index, new ReadRateLimiter(0, time), agent.Value.Tenant,
            maxFileSize: () => actions.Policy.Current.MaxFileSizeBytes, time: time, metrics: metrics);
        var scope = new OnAccessScope(_options);
        _decider = new OnAccessDecider(index, scanner, () => actions.OnAccess, Detected, scope.DeniesLimitExceeded,
            file => LogLimitExceeded(_logger, file.Path, string.Join(", ", file.Names), scope.DeniesLimitExceeded(file.Path) ? "denied" : "allowed"));
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _status.Enabled = _options.Enabled;
        if (!_options.Enabled)
        {
            LogDisabled(_logger);
            return Task.CompletedTask;
        }
        _actionRun = Task.Run(() => RunActionsAsync(_stopping.Token), CancellationToken.None);
        var guard = new FanotifyGuard(_options, _loggers.CreateLogger<FanotifyGuard>(), _time);
        try
        {
            guard.Start(_decider.DecideAsync, path => new ValueTask(_decider.ScanClosedFileAsync(path, _stopping.Token)));
        }
        catch (FanotifyException exception)
        {
            _status.Failure = exception.Message;
            LogUnavailable(_logger, exception);
            return Task.CompletedTask;
        }
        _guard = guard;
        _status.Attach(guard);
        LogActive(_logger, _actions.OnAccess, _actions.CanQuarantine ? _actions.VaultDirectory : "none (no quarantine key)");
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_guard is { } guard)
        {
            _guard = null;
            await guard.DisposeAsync(); // answers every pending open
        }
        _detections.Writer.TryComplete();
        try
        {
            await _actionRun.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await _stopping.CancelAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping.Dispose();
    }

    private bool Detected(DetectedFile file)
    {
        if (_detections.Writer.TryWrite(file))
        {
            return true;
        }
        LogActionsFull(_logger, PendingActions, file.Path);
        return false;
    }

    private async Task RunActionsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var file in _detections.Reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    await _actions.ApplyAsync(file, _actions.OnAccess, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogActionFailed(_logger, exception, file.Path);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "On-access: {Path} was not fully scanned ({Limit}): opens {Decision} by the limit-exceeded policy")]
    private static partial void LogLimitExceeded(ILogger logger, string path, string limit, string decision);

    [LoggerMessage(Level = LogLevel.Information, Message = "On-access protection is disabled (OnAccess:Enabled)")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "On-access protection active; action on detection: {Action}; vault: {Vault}")]
    private static partial void LogActive(ILogger logger, DetectionAction action, string vault);

    [LoggerMessage(Level = LogLevel.Error, Message = "On-access protection could not start; the agent runs without it")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} detections already wait for their action; {Path} is reported on its next access")]
    private static partial void LogActionsFull(ILogger logger, int count, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Acting on the detection of {Path} failed")]
    private static partial void LogActionFailed(ILogger logger, Exception exception, string path);
}
