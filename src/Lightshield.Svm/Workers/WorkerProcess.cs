using System.Collections.Concurrent;
using System.Diagnostics;
using Lightshield.Engine;
using Lightshield.Engine.Workers;
using Lightshield.Svm.Diagnostics;
using Lightshield.Verdicts;

namespace Lightshield.Svm.Workers;

/// <summary>
/// One running <c>lightshield-scan-worker</c>: started by <see cref="WorkerLauncher"/>, fed scans over its standard input,
/// answering on its standard output. Its answers are untrusted (a parser exploit runs there): a malformed frame, an
/// answer to a scan never sent or an oversized header ends the worker like a crash. When the process ends, every scan it
/// still owed fails with <see cref="WorkerLostException"/>.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly WorkerChannel _channel;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<Verdict>> _pending = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId;
    private int _leases;
    private bool _retiring;
    private string? _lostReason;

    private WorkerProcess(Process process, WorkerChannel channel, ILogger logger, WorkerReady ready)
    {
        _process = process;
        _channel = channel;
        _logger = logger;
        Ready = ready;
    }

    /// <summary>The engine the worker loaded.</summary>
    public WorkerReady Ready { get; }

    public int ProcessId => _process.Id;

    /// <summary>Scans in flight on this worker.</summary>
    public int InFlight => _pending.Count;

    /// <summary>Completes when the process has ended (for any reason).</summary>
    public Task Exited => _exited.Task;

    /// <summary>Starts a worker and waits until its engine is loaded.</summary>
    /// <exception cref="EngineException">The engine could not be loaded (the worker's own reason), or the worker did not
    /// start, or did not become ready within <paramref name="timeout"/>.</exception>
    public static async Task<WorkerProcess> StartAsync(ProcessStartInfo start, EngineOptions options, int concurrency, TimeSpan timeout,
        ILogger logger, CancellationToken cancellationToken)
    {
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        Process process;
        try
        {
            process = await WorkerSpawner.StartAsync(start).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new EngineException($"could not start the scan worker ({start.FileName}): {exception.Message}", exception);
        }
        var stderr = new List<string>();
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                return;
            }
            lock (stderr)
            {
                if (stderr.Count < 20)
                {
                    stderr.Add(line.Data);
                }
            }
            SvmLog.WorkerSaid(logger, process.Id, line.Data);
        };
        process.BeginErrorReadLine();
        PipeCapacity.TryEnlarge(process.StandardInput.BaseStream);
        var channel = new WorkerChannel(process.StandardOutput.BaseStream, process.StandardInput.BaseStream);
        var first = new TaskCompletionSource<WorkerFrame?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = new Thread(() => first.TrySetResult(ReadFirst(channel))) { Name = $"scan-worker-{process.Id}", IsBackground = true };
        reader.Start();
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            await channel.WriteAsync(WorkerMessageKind.Start, new WorkerStart(options, concurrency), default, deadline.Token).ConfigureAwait(false);
            using var answer = await first.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
            switch (answer?.Kind)
            {
                case WorkerMessageKind.Ready:
                    var worker = new WorkerProcess(process, channel, logger, WorkerChannel.Header<WorkerReady>(answer));
                    // The reader thread goes on reading answers; it stops when the process's output ends.
                    reader = new Thread(worker.ReadAnswers) { Name = $"scan-worker-{process.Id}", IsBackground = true };
                    reader.Start();
                    return worker;
                case WorkerMessageKind.Failed:
                    throw new EngineException(WorkerChannel.Header<WorkerFailed>(answer).Reason);
                default:
                    throw new EngineException($"the scan worker stopped before its engine was ready{Said(stderr)}");
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Kill(process);
            channel.Dispose();
            throw new EngineException($"the scan worker was not ready within {timeout.TotalSeconds:0} s{Said(stderr)}");
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException)
        {
            Kill(process);
            channel.Dispose();
            throw new EngineException($"the scan worker failed at start: {exception.Message}{Said(stderr)}", exception);
        }
        catch
        {
            Kill(process);
            channel.Dispose();
            throw;
        }
    }

    /// <summary>The worker's first frame (ready or failed), read on the reader thread; a broken one is the worker's failure.</summary>
    private static WorkerFrame? ReadFirst(WorkerChannel channel)
    {
        try
        {
            return channel.Read(0);
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Takes a lease for one scan, unless the worker is being stopped (a reload replaced it): a leased worker is
    /// not stopped before <see cref="Release"/>, so a reload never fails a scan that had already picked this worker.</summary>
    public bool TryLease()
    {
        lock (_pending)
        {
            if (_retiring)
            {
                return false;
            }
            _leases++;
            return true;
        }
    }

    public void Release()
    {
        lock (_pending)
        {
            _leases--;
        }
    }

    private int Leases
    {
        get
        {
            lock (_pending)
            {
                return _leases;
            }
        }
    }

    /// <summary>Scans <paramref name="content"/>. Throws <see cref="WorkerLostException"/> when the worker ends first.</summary>
    public async Task<Verdict> ScanAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<Verdict>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        if (_exited.Task.IsCompleted)
        {
            _pending.TryRemove(id, out _);
            throw new WorkerLostException(_lostReason ?? "the scan worker has stopped");
        }
        try
        {
            // Never cancelled half-way: a frame cut short would desynchronise the stream for every later scan.
            await _channel.WriteAsync(WorkerMessageKind.Scan, new WorkerScan(id), content, CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException exception)
        {
            _pending.TryRemove(id, out _);
            throw new WorkerLostException($"the scan worker stopped taking work ({exception.Message})");
        }
        // The worker keeps scanning if the caller gives up; its answer is dropped then.
        using (cancellationToken.Register(() => answer.TrySetCanceled(cancellationToken)))
        {
            try
            {
                return await answer.Task.ConfigureAwait(false);
            }
            finally
            {
                _pending.TryRemove(id, out _);
            }
        }
    }

    /// <summary>Ends the worker at once (SIGKILL): a hung scan, or a worker that broke the protocol.</summary>
    public void Kill(string reason)
    {
        _lostReason ??= reason;
        Kill(_process);
    }

    /// <summary>Stops the worker: no more scans; those in flight are answered first unless they take longer than
    /// <paramref name="drain"/>.</summary>
    public async Task StopAsync(TimeSpan drain)
    {
        lock (_pending)
        {
            _retiring = true;
        }
        var deadline = Stopwatch.StartNew();
        while ((Leases > 0 || !_pending.IsEmpty) && deadline.Elapsed < drain && !_exited.Task.IsCompleted)
        {
            await Task.WhenAny(_exited.Task, Task.Delay(TimeSpan.FromMilliseconds(50))).ConfigureAwait(false);
        }
        _lostReason ??= "the scan worker was stopped";
        try
        {
            _process.StandardInput.Close(); // the worker ends when its input does
        }
        catch (IOException)
        {
            // Already gone.
        }
        if (await Task.WhenAny(_exited.Task, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false) != _exited.Task)
        {
            Kill(_process);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.Zero).ConfigureAwait(false);
        await _exited.Task.ConfigureAwait(false);
        _process.Dispose();
        _channel.Dispose();
    }

    /// <summary>The reader thread's loop: answers until the worker's output ends, then every scan still owed fails.</summary>
    private void ReadAnswers()
    {
        try
        {
            while (_channel.Read(0) is { } frame)
            {
                using (frame)
                {
                    if (frame.Kind != WorkerMessageKind.Verdict)
                    {
                        throw new InvalidDataException($"unexpected {frame.Kind} message");
                    }
                    var answer = WorkerChannel.Header<WorkerVerdict>(frame);
                    if (answer.Verdict is null || !Enum.IsDefined(answer.Verdict.Kind))
                    {
                        throw new InvalidDataException("an answer without a valid verdict");
                    }
                    // An answer to a scan that was cancelled meanwhile is dropped; one to a scan never sent is a protocol breach.
                    if (_pending.TryGetValue(answer.Id, out var waiting))
                    {
                        waiting.TrySetResult(answer.Verdict);
                    }
                    else if (answer.Id <= 0 || answer.Id > Interlocked.Read(ref _nextId))
                    {
                        throw new InvalidDataException($"an answer to scan {answer.Id}, which was never sent");
                    }
                }
            }
        }
        catch (Exception exception)
        {
            // Whatever the worker wrote, it must not end the server: this runs on a thread of its own, where an exception
            // left unhandled would end the process.
            SvmLog.WorkerBrokeProtocol(_logger, _process.Id, exception.Message);
            Kill($"the scan worker broke the protocol ({exception.Message})");
        }
        _process.WaitForExit();
        var reason = _lostReason ?? Describe(_process);
        _lostReason = reason;
        foreach (var waiting in _pending.Values)
        {
            waiting.TrySetException(new WorkerLostException(reason));
        }
        _exited.TrySetResult();
    }

    private static string Describe(Process process)
    {
        var code = process.ExitCode;
        // A process killed by a signal: .NET reports 128 + signal number.
        return code > 128 ? $"the scan worker was killed by signal {code - 128}" : $"the scan worker exited with code {code}";
    }

    private static string Said(List<string> stderr)
    {
        lock (stderr)
        {
            // The first lines: an unhandled exception's message comes before its stack.
            return stderr.Count == 0 ? "" : ": " + string.Join(" ", stderr.Take(3).Select(line => line.Trim()));
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}

/// <summary>The worker ended before it answered a scan.</summary>
internal sealed class WorkerLostException(string message) : Exception(message);
