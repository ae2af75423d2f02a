using Lightshield.Agent.OnAccess.Native;
using Microsoft.Extensions.Options;
using static Lightshield.Agent.OnAccess.Native.FanotifyConstants;

namespace Lightshield.Agent.OnAccess;

/// <summary>On-access protection with fanotify: intercepts opens of files under the protected paths, asks the
/// decision delegate, and answers each open exactly once — with the decision, or with the path's fail policy when the
/// decision is late or fails, or with allow when the guard stops.</summary>
/// <remarks>Needs root (CAP_SYS_ADMIN). Threads of its own: one reads the kernel's events (and never opens a file:
/// nobody would answer it), <see cref="OnAccessOptions.MaxConcurrentDecisions"/> run decisions, one enforces
/// deadlines; none depends on the thread pool. Opens by the agent's own process are allowed at once, so the agent
/// may open protected files itself.</remarks>
public sealed partial class FanotifyGuard : IAsyncDisposable
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(2);

    private readonly OnAccessOptions _options;
    private readonly OnAccessScope _scope;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly long _timeoutTicks;
    private readonly OnAccessCounters _counters = new();
    private readonly PendingPermissions _pending;
    private readonly DecisionThreads _decisionThreads;
    private readonly TaskCompletionSource _readerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly int _ownProcessId = Environment.ProcessId;
    private readonly FanotifyEventCallback _onEvent;
    private FanotifyGroup? _group;
    private AgentMountViews? _views;
    private Func<OnAccessRequest, CancellationToken, ValueTask<AccessDecision>>? _decide;
    private CloseWriteQueue? _closeWrites;
    private Task _closeWriteRun = Task.CompletedTask;
    private long _nextEventId;
    private int _running;
    private int _disposed;

    /// <exception cref="OptionsValidationException"><paramref name="options"/> are invalid (every error listed).</exception>
    public FanotifyGuard(OnAccessOptions options, ILogger<FanotifyGuard> logger, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(OnAccessOptions), errors);
        }
        _options = options;
        _scope = new OnAccessScope(options);
        _logger = logger;
        foreach (var refused in _scope.RefusedProcessExclusions)
        {
            OnAccessLog.ProcessExclusionRefused(logger, refused);
        }
        _time = timeProvider ?? TimeProvider.System;
        _timeoutTicks = (long)(options.DecisionTimeout.TotalSeconds * _time.TimestampFrequency);
        _pending = new PendingPermissions(_time, OnDeadline);
        _decisionThreads = new DecisionThreads(options.MaxConcurrentDecisions, DecideSafely);
        _onEvent = OnEvent;
    }

    /// <summary>True from a successful <see cref="Start"/> until stop, or until the reader failed (protection is off
    /// then: report it in health).</summary>
    public bool IsRunning => Volatile.Read(ref _running) != 0;

    /// <summary>The counters so far.</summary>
    public OnAccessStatistics Statistics => _counters.Snapshot();

    /// <summary>Opens the fanotify group, marks the protected paths and starts answering opens.</summary>
    /// <param name="decide">Decides one open. It may read the file through <see cref="OnAccessRequest.File"/>. A
    /// cached verdict should complete synchronously (it is then answered without a thread switch); slower work should
    /// be asynchronous and honour the token, which is cancelled when the deadline or the stop answered instead.</param>
    /// <param name="afterCloseWrite">Called with the path of each protected file written and closed (when
    /// <see cref="OnAccessOptions.ScanAfterCloseWrite"/>), one path at a time on the thread pool.</param>
    /// <exception cref="FanotifyException">fanotify is unavailable or refused a mark; the message says why. The guard
    /// is disposed then.</exception>
    public void Start(
        Func<OnAccessRequest, CancellationToken, ValueTask<AccessDecision>> decide,
        Func<string, ValueTask>? afterCloseWrite = null)
    {
        ArgumentNullException.ThrowIfNull(decide);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_group is not null)
        {
            throw new InvalidOperationException("The guard is already started.");
        }
        _decide = decide;
        try
        {
            _group = FanotifyGroup.Open(_options.UnlimitedQueue, OnReadError);
            _views = AgentMountViews.Open(_scope.ProtectedPaths);
            var watchCloseWrite = _options.ScanAfterCloseWrite && afterCloseWrite is not null;
            if (watchCloseWrite)
            {
                _closeWrites = new CloseWriteQueue(_options.CloseWriteQueueCapacity, afterCloseWrite!, _counters, _logger);
                _closeWriteRun = Task.Run(() => _closeWrites.RunAsync(_stopping.Token));
            }
            StartThreads();
            var mask = (_options.Mode == OnAccessMode.ExecOnly ? FanOpenExecPerm : FanOpenPerm) | (watchCloseWrite ? FanCloseWrite : 0);
            var scopes = _scope.ProtectedPaths.Select(path => Mark(path, mask)).Distinct().ToArray();
            Volatile.Write(ref _running, 1);
            OnAccessLog.Started(_logger, string.Join(", ", _scope.ProtectedPaths), _options.Mode, string.Join(" and ", scopes),
                _options.DecisionTimeout.TotalMilliseconds, watchCloseWrite, _options.MaxConcurrentDecisions);
        }
        catch
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>Marks the file system of <paramref name="path"/>, or its mount where the kernel or the file system
    /// refuses file-system marks (before Linux 4.20, btrfs subvolumes, overlayfs). Returns the scope marked.</summary>
    private OnAccessMarkScope Mark(string path, ulong mask)
    {
        if (_options.MarkScope == OnAccessMarkScope.Filesystem)
        {
            try
            {
                _group!.Mark(path, OnAccessMarkScope.Filesystem, mask);
                return OnAccessMarkScope.Filesystem;
            }
            catch (FanotifyException refused) when (refused.Errno is Einval or Exdev or Eopnotsupp or Enodev)
            {
                OnAccessLog.FilesystemMarkRefused(_logger, path, refused.Message);
            }
        }
        _group!.Mark(path, OnAccessMarkScope.Mount, mask);
        return OnAccessMarkScope.Mount;
    }

    /// <summary>Stops reading, answers every pending open with allow, and closes the group (the kernel then allows
    /// whatever it still queued). Never leaves a process waiting.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        Volatile.Write(ref _running, 0);
        var group = _group;
        if (group is not null)
        {
            group.SignalStop();
            await WaitQuietlyAsync(_readerDone.Task);
            var pending = _pending.Snapshot();
            var released = pending.Count(p => TryAnswer(p, AccessDecision.Allow, AnswerReason.Stop));
            foreach (var permission in pending)
            {
                permission.Abandon();
            }
            _decisionThreads.Complete();
            _closeWrites?.Complete();
            await _stopping.CancelAsync();
            if (!await WaitQuietlyAsync(Task.WhenAll(_decisionThreads.Completion, _closeWriteRun)))
            {
                OnAccessLog.WorkersDidNotStop(_logger, StopWait.TotalMilliseconds);
            }
            _pending.Stop(StopWait);
            group.Dispose();
            OnAccessLog.Stopped(_logger, released, Statistics);
        }
        _views?.Dispose();
        _pending.Dispose();
        _stopping.Dispose();
    }

    private void StartThreads()
    {
        _decisionThreads.Start();
        _pending.Start();
        WarmUp();
        new Thread(ReadLoop) { IsBackground = true, Name = "fanotify-reader" }.Start();
    }

    /// <summary>Loads every assembly, native entry point and code path the reader thread uses before the first mark
    /// exists: a file opened by the reader thread itself would wait for an answer only it could give.</summary>
    private void WarmUp()
    {
        _ = _scope.IsProtected("/") && _scope.IsPathExcluded("/");
        _ = _scope.FailPolicyFor("/");
        _ = _scope.IsProcessExcluded(ProcessIdentity.Read(_ownProcessId));
        _ = ProcPaths.ReadDescriptorPath(0);
        _views!.WarmUp();
        _ = FanotifyEventParser.Parse(ReadOnlySpan<byte>.Empty, _onEvent);
        _ = _group!.Respond(FanNoFd, AccessDecision.Allow); // EINVAL: resolves write(2)
        _ = LibC.Close(FanNoFd); // EBADF: resolves close(2)
        _ = _logger.IsEnabled(LogLevel.Debug);
    }

    private void ReadLoop()
    {
        try
        {
            _group!.ReadUntilStopped(_onEvent);
        }
        catch (Exception exception)
        {
            // Closing first: the kernel then allows every pending open and drops the marks, so nothing waits for a
            // reader that is gone.
            Volatile.Write(ref _running, 0);
            _group!.Dispose();
            LogOffReader(static (logger, e) => OnAccessLog.ReaderFaulted(logger, e), exception);
        }
        finally
        {
            _readerDone.TrySetResult();
        }
    }

    private void OnReadError(int errno)
    {
        Interlocked.Increment(ref _counters.ReadErrors);
        LogOffReader(static (logger, e) => OnAccessLog.ReadFailed(logger, e), errno);
    }

    /// <summary>Logs from the thread pool rather than the reader thread: a logging provider that opened a file on a
    /// protected mount from the reader thread would wait for an answer only that thread could give.</summary>
    private void LogOffReader<T>(Action<ILogger, T> log, T value) =>
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Log(state.Logger, state.Value), (Log: log, Logger: _logger, Value: value), preferLocal: false);

    private async Task<bool> WaitQuietlyAsync(Task task)
    {
        try
        {
            await task.WaitAsync(StopWait, _time);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
