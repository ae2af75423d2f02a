using System.Threading.Channels;

namespace Lightshield.Agent.OnAccess;

/// <summary>Bounded hand-off of closed-after-write paths from the fanotify reader to the post-close hook, so a slow
/// hook never blocks the reader: when full, paths are dropped and counted.</summary>
internal sealed class CloseWriteQueue
{
    private readonly Channel<string> _channel;
    private readonly Func<string, ValueTask> _hook;
    private readonly OnAccessCounters _counters;
    private readonly ILogger _logger;
    private long _droppedInRun;

    public CloseWriteQueue(int capacity, Func<string, ValueTask> hook, OnAccessCounters counters, ILogger logger)
    {
        _hook = hook;
        _counters = counters;
        _logger = logger;
        _channel = Channel.CreateBounded<string>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Queues <paramref name="path"/> or drops it when full. Called by the reader thread only, which logs
    /// (off its own thread) when <paramref name="firstDrop"/> starts a run of drops and when a later success ends it
    /// (<paramref name="recovered"/>: how many were dropped in that run).</summary>
    public bool TryEnqueue(string path, out bool firstDrop, out long recovered)
    {
        firstDrop = false;
        recovered = 0;
        if (_channel.Writer.TryWrite(path))
        {
            Interlocked.Increment(ref _counters.CloseWriteQueued);
            recovered = _droppedInRun;
            _droppedInRun = 0;
            return true;
        }
        Interlocked.Increment(ref _counters.CloseWriteDropped);
        firstDrop = _droppedInRun == 0;
        _droppedInRun++;
        return false;
    }

    /// <summary>No more paths will be queued; <see cref="RunAsync"/> ends once the queue is empty.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>Calls the hook for each path until <see cref="Complete"/> or <paramref name="cancellationToken"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var path in _channel.Reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    await _hook(path);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    OnAccessLog.CloseWriteHookFailed(_logger, exception, path);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
