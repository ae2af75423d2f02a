using System.Globalization;
using Lightshield.Engine;
using Lightshield.Engine.Workers;
using Lightshield.Verdicts;

namespace Lightshield.Svm.Workers;

/// <summary>
/// The scan server's engine, run in sandboxed worker processes (the server itself never maps libclamav). One worker
/// holds the engine and runs the server's scans on its threads: the engine's memory exists once. When a worker ends in
/// the middle of scans (a parser crash, an exploit, a kill) those scans get an error verdict (never cached), each of their
/// contents a strike, and a new worker takes the next scans. Content with a strike is scanned again only alone, in a
/// worker of its own that runs one scan at a time (started when needed, stopped after a minute unused), so a second
/// failure is its own: then it is refused from then on, with a reason, and reported. A scan
/// that outlives the engine's own time limit by <see cref="WorkerOptions.HangGrace"/> is treated as a crash. A reload
/// starts a worker with the new database and switches to it once it is ready; scans in flight finish on the old one.
/// </summary>
public sealed partial class ScanWorkers : IAsyncDisposable
{
    private static readonly TimeSpan RestartBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan IsolationIdle = TimeSpan.FromMinutes(1);
    private readonly EngineOptions _options;
    private readonly WorkerOptions _workerOptions;
    private readonly WorkerLauncher _launcher;
    private readonly int _concurrency;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ContentStrikes _strikes;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private readonly SemaphoreSlim _isolating = new(1, 1);
    private readonly Lock _lock = new();
    private Task<WorkerProcess> _current;
    private WorkerReady _ready;
    private DateTimeOffset _lastRestart;
    private bool _disposed;
    private WorkerProcess? _isolation;
    private ITimer? _isolationIdle;

    private ScanWorkers(EngineOptions options, WorkerOptions workerOptions, int concurrency, TimeProvider time, ILogger logger, WorkerProcess first)
    {
        _options = options;
        _workerOptions = workerOptions;
        _launcher = new WorkerLauncher(workerOptions);
        _concurrency = concurrency;
        _time = time;
        _logger = logger;
        _strikes = new ContentStrikes(workerOptions.StrikeMemory, time);
        _current = Task.FromResult(first);
        _ready = first.Ready;
        _lastRestart = time.GetUtcNow();
        Watch(first);
    }

    /// <summary>Counts what the workers went through (the server's meter); set once at start.</summary>
    internal Action<string>? WorkerEnded { get; set; }

    /// <summary>Counts refusals of content that ended workers; set once at start.</summary>
    internal Action? ContentRefused { get; set; }

    /// <summary>The engine settings (with the database directory as the server sees it).</summary>
    public EngineOptions Options => _options;

    /// <summary>The database serving new scans.</summary>
    public DatabaseInfo Database => Volatile.Read(ref _ready).Database;

    /// <summary>libclamav's version, as the worker reported it.</summary>
    public string EngineVersion => Volatile.Read(ref _ready).EngineVersion;

    /// <summary>The scan profile (engine version and verdict-affecting settings) that keys the verdict cache.</summary>
    public ScanProfile Profile => new(ulong.Parse(Volatile.Read(ref _ready).Profile, NumberStyles.HexNumber, CultureInfo.InvariantCulture));

    /// <summary>How the serving worker is confined: <c>seccomp</c>, or why not.</summary>
    public string Confinement => Volatile.Read(ref _ready).Confinement;

    /// <summary>The serving worker's process (the sandbox's outermost process), for diagnostics and tests.</summary>
    public int? WorkerProcessId => _current.IsCompletedSuccessfully ? _current.Result.ProcessId : null;

    /// <summary>Starts the first worker.</summary>
    /// <exception cref="EngineException">The engine could not be loaded, or no worker could be started.</exception>
    public static async Task<ScanWorkers> StartAsync(EngineOptions options, WorkerOptions workerOptions, int concurrency, TimeProvider time,
        ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(workerOptions);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new EngineException("Invalid engine options: " + string.Join(" ", errors));
        }
        if (workerOptions.Sandbox == WorkerSandbox.None)
        {
            LogUnsandboxed(logger);
        }
        var first = await StartWorkerAsync(new WorkerLauncher(workerOptions), options, workerOptions, concurrency, options.DatabaseDirectory, logger,
            cancellationToken).ConfigureAwait(false);
        LogStarted(logger, first.ProcessId, first.Ready.Database.Version, first.Ready.Confinement, workerOptions.Sandbox.ToString());
        return new ScanWorkers(options, workerOptions, concurrency, time, logger, first);
    }

    /// <summary>Scans <paramref name="content"/> (whose key the server verified). Never throws for what the content does
    /// to the engine: a crash, a hang or refused content are error verdicts with the reason.</summary>
    public async Task<Verdict> ScanAsync(FileKey key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var struck = _strikes.Count(key);
        if (struck >= _workerOptions.StrikesToRefuse)
        {
            ContentRefused?.Invoke();
            return Failed($"refused: scanning this content stopped the scan engine {struck} times (a malformed or hostile file); "
                + "it is not scanned again on this server");
        }
        if (content.IsEmpty)
        {
            return Verdict.Clean(Database.Version, _time.GetUtcNow()) with { Reason = "empty file" };
        }
        if (struck > 0)
        {
            return await ScanAloneAsync(key, content, cancellationToken).ConfigureAwait(false);
        }
        WorkerProcess worker;
        try
        {
            worker = await LeaseCurrentAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (EngineException exception)
        {
            return Failed($"the scan engine is not available: {exception.Message}");
        }
        try
        {
            return await ScanOnAsync(worker, key, content, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            worker.Release();
        }
    }

    /// <summary>The serving worker with a lease for one scan. A reload may replace it between the read and the lease; then
    /// the new one is read.</summary>
    private async Task<WorkerProcess> LeaseCurrentAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var worker = await CurrentAsync(cancellationToken).ConfigureAwait(false);
            if (worker.TryLease())
            {
                return worker;
            }
        }
    }

    /// <summary>Starts a worker on the database directory as it is now and switches new scans to it once its engine is
    /// loaded; scans in flight finish on the old worker. On failure the old worker keeps serving and this throws.</summary>
    /// <exception cref="EngineException">The database does not load; nothing changed.</exception>
    public async Task<DatabaseReload> ReloadAsync(CancellationToken cancellationToken)
    {
        await _reloading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var next = await StartWorkerAsync(_launcher, _options, _workerOptions, _concurrency, _options.DatabaseDirectory, _logger, cancellationToken)
                .ConfigureAwait(false);
            Task<WorkerProcess> previous;
            WorkerReady before;
            lock (_lock)
            {
                previous = _current;
                before = _ready;
                _current = Task.FromResult(next);
                _ready = next.Ready;
            }
            Watch(next);
            _ = RetireAsync(previous);
            var known = before.Database.Files.ToDictionary(file => file.Name, file => file.Sha256, StringComparer.Ordinal);
            IReadOnlyList<string> changed =
            [
                .. next.Ready.Database.Files
                    .Where(file => !known.TryGetValue(file.Name, out var sha256) || sha256 != file.Sha256)
                    .Select(file => Path.GetFullPath(Path.Combine(_options.DatabaseDirectory, file.Name))),
            ];
            return new DatabaseReload(before.Database, next.Ready.Database, changed);
        }
        finally
        {
            _reloading.Release();
        }
    }

    /// <summary>Loads <paramref name="databaseDirectory"/> in a throwaway worker with the serving settings: whether a
    /// candidate database (a signature update) loads, without touching the serving engine.</summary>
    /// <exception cref="EngineException">It does not load; the worker's reason.</exception>
    public async Task<DatabaseInfo> CheckAsync(string databaseDirectory, CancellationToken cancellationToken)
    {
        var worker = await StartWorkerAsync(_launcher, _options, _workerOptions, 1, databaseDirectory, _logger, cancellationToken).ConfigureAwait(false);
        await using (worker.ConfigureAwait(false))
        {
            return worker.Ready.Database;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task<WorkerProcess> current;
        lock (_lock)
        {
            _disposed = true; // the serving worker's end below is a stop, not a crash to replace
            current = _current;
        }
        if (current.IsCompletedSuccessfully)
        {
            await current.Result.DisposeAsync().ConfigureAwait(false);
        }
        _isolationIdle?.Dispose();
        await StopIsolationAsync().ConfigureAwait(false);
        _reloading.Dispose();
    }

    private async Task<Verdict> ScanOnAsync(WorkerProcess worker, FileKey key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var scan = worker.ScanAsync(content, cancellationToken);
        var limit = _options.MaxScanTime + _workerOptions.HangGrace;
        var watchdog = Task.Delay(limit, _time, stop.Token);
        try
        {
            if (await Task.WhenAny(scan, watchdog).ConfigureAwait(false) != scan && !cancellationToken.IsCancellationRequested)
            {
                worker.Kill($"a scan ran for {limit.TotalSeconds:0} s, past the engine's time limit");
                LogHung(_logger, worker.ProcessId, key.ToString(), limit.TotalSeconds);
            }
            return await scan.ConfigureAwait(false);
        }
        catch (WorkerLostException lost)
        {
            var strikes = _strikes.Strike(key);
            WorkerEnded?.Invoke(strikes >= _workerOptions.StrikesToRefuse ? "refused" : "crash");
            LogScanLost(_logger, worker.ProcessId, key.ToString(), lost.Message, strikes);
            return Failed($"the scan engine stopped while scanning this content ({lost.Message}); nothing was cached, try again");
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Scans content with a strike on the isolation worker, one scan at a time: if the worker ends now, this content
    /// did it.</summary>
    private async Task<Verdict> ScanAloneAsync(FileKey key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        await _isolating.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_isolation is null || _isolation.Exited.IsCompleted)
            {
                if (_isolation is not null)
                {
                    await _isolation.DisposeAsync().ConfigureAwait(false);
                }
                _isolation = null;
                _isolation = await StartWorkerAsync(_launcher, _options, _workerOptions, 1, _options.DatabaseDirectory, _logger, cancellationToken)
                    .ConfigureAwait(false);
                LogIsolationStarted(_logger, _isolation.ProcessId);
            }
            _isolationIdle?.Dispose();
            var verdict = await ScanOnAsync(_isolation, key, content, cancellationToken).ConfigureAwait(false);
            _isolationIdle = _time.CreateTimer(_ => _ = StopIsolationAsync(), null, IsolationIdle, Timeout.InfiniteTimeSpan);
            return verdict;
        }
        catch (EngineException exception)
        {
            return Failed($"the scan engine is not available: {exception.Message}");
        }
        finally
        {
            _isolating.Release();
        }
    }

    private async Task StopIsolationAsync()
    {
        if (!await _isolating.WaitAsync(0).ConfigureAwait(false))
        {
            return; // in use again: its next idle timer stops it
        }
        try
        {
            if (_isolation is { } worker)
            {
                _isolation = null;
                await worker.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _isolating.Release();
        }
    }

    /// <summary>The serving worker; a new one when it has ended (not more often than every few seconds).</summary>
    private async Task<WorkerProcess> CurrentAsync(CancellationToken cancellationToken)
    {
        Task<WorkerProcess> current;
        lock (_lock)
        {
            current = _current;
            if (!_disposed && current.IsCompleted && (current.IsFaulted || current.Result.Exited.IsCompleted)
                && (current.IsCompletedSuccessfully || _time.GetUtcNow() - _lastRestart >= RestartBackoff))
            {
                _lastRestart = _time.GetUtcNow();
                current = _current = RestartAsync();
            }
        }
        return await current.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<WorkerProcess> RestartAsync()
    {
        var worker = await StartWorkerAsync(_launcher, _options, _workerOptions, _concurrency, _options.DatabaseDirectory, _logger, CancellationToken.None)
            .ConfigureAwait(false);
        Volatile.Write(ref _ready, worker.Ready);
        Watch(worker);
        LogRestarted(_logger, worker.ProcessId);
        return worker;
    }

    /// <summary>Counts a worker that ends on its own (not retired by a reload or a stop).</summary>
    private void Watch(WorkerProcess worker) => _ = worker.Exited.ContinueWith(exited =>
    {
        bool serving;
        lock (_lock)
        {
            serving = !_disposed && _current.IsCompletedSuccessfully && ReferenceEquals(_current.Result, worker);
        }
        if (serving)
        {
            WorkerEnded?.Invoke("exit");
            LogWorkerEnded(_logger, worker.ProcessId);
            // A replacement now, not at the next scan; a failure to start is retried by the next scan.
            _ = CurrentAsync(CancellationToken.None).ContinueWith(restart => { _ = restart.Exception; }, TaskScheduler.Default);
        }
    }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private async Task RetireAsync(Task<WorkerProcess> previous)
    {
        try
        {
            var worker = await previous.ConfigureAwait(false);
            await worker.StopAsync(_options.MaxScanTime + _workerOptions.HangGrace).ConfigureAwait(false);
            await worker.DisposeAsync().ConfigureAwait(false);
        }
        catch (EngineException)
        {
            // It never started: nothing to retire.
        }
    }

    private static async Task<WorkerProcess> StartWorkerAsync(WorkerLauncher launcher, EngineOptions options, WorkerOptions workerOptions,
        int concurrency, string databaseDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        var temporaryBytes = options.MaxScanSize + (64L << 20);
        var (start, database, temporary) = launcher.Create(databaseDirectory, temporaryBytes);
        var inside = options with { DatabaseDirectory = database, TemporaryDirectory = temporary ?? options.TemporaryDirectory };
        return await WorkerProcess.StartAsync(start, inside, concurrency, workerOptions.StartTimeout, logger, cancellationToken).ConfigureAwait(false);
    }

    private Verdict Failed(string reason) => Verdict.Failed(reason, Database.Version, _time.GetUtcNow());

    [LoggerMessage(EventId = 40, Level = LogLevel.Information,
        Message = "Scan worker {ProcessId} ready: database {DatabaseVersion}; confinement: {Confinement}; sandbox: {Sandbox}")]
    private static partial void LogStarted(ILogger logger, int processId, string databaseVersion, string confinement, string sandbox);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning,
        Message = "Svm:Workers:Sandbox is None: libclamav runs with the scan server's rights and network; for development only")]
    private static partial void LogUnsandboxed(ILogger logger);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning,
        Message = "Scan worker {ProcessId} ended while scanning content {Key}: {Reason}; strikes against this content: {Strikes}")]
    private static partial void LogScanLost(ILogger logger, int processId, string key, string reason, int strikes);

    [LoggerMessage(EventId = 43, Level = LogLevel.Warning, Message = "Scan worker {ProcessId} hung on content {Key} for {Seconds} s; killing it")]
    private static partial void LogHung(ILogger logger, int processId, string key, double seconds);

    [LoggerMessage(EventId = 44, Level = LogLevel.Warning, Message = "Scan worker {ProcessId} ended; starting a new one")]
    private static partial void LogWorkerEnded(ILogger logger, int processId);

    [LoggerMessage(EventId = 46, Level = LogLevel.Information,
        Message = "Isolation worker {ProcessId} started: content that was being scanned when a worker ended is scanned again alone")]
    private static partial void LogIsolationStarted(ILogger logger, int processId);

    [LoggerMessage(EventId = 45, Level = LogLevel.Information, Message = "Scan worker {ProcessId} started in place of one that ended")]
    private static partial void LogRestarted(ILogger logger, int processId);
}
