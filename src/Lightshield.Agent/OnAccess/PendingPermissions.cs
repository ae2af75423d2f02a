using System.Collections.Concurrent;

namespace Lightshield.Agent.OnAccess;

/// <summary>The permission events not answered yet, and a dedicated thread that hands each one to the timeout callback
/// at its deadline. Deadlines never depend on the thread pool, which a busy or starved agent may not offer in time.
/// </summary>
internal sealed class PendingPermissions : IDisposable
{
    // Upper bound of one sleep, so a clock other than the system's (tests) is looked at now and then.
    private static readonly TimeSpan MaxSleep = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<long, PermissionEvent> _events = new();
    private readonly AutoResetEvent _wake = new(initialState: false);
    private readonly TimeProvider _time;
    private readonly Action<PermissionEvent> _onDeadline;
    private readonly Thread _thread;
    private int _count;
    private int _sleepingIdle;
    private volatile bool _stopping;

    public PendingPermissions(TimeProvider time, Action<PermissionEvent> onDeadline)
    {
        _time = time;
        _onDeadline = onDeadline;
        _thread = new Thread(WatchDeadlines) { IsBackground = true, Name = "fanotify-deadlines" };
    }

    public void Start() => _thread.Start();

    public void Add(PermissionEvent permission)
    {
        _events[permission.Id] = permission;
        Interlocked.Increment(ref _count);
        // Every event has the same timeout, so a watcher sleeping for an earlier deadline needs no wake-up; one
        // sleeping with nothing to watch does.
        if (Interlocked.Exchange(ref _sleepingIdle, 0) == 1)
        {
            _wake.Set();
        }
    }

    public void Remove(PermissionEvent permission)
    {
        if (_events.TryRemove(permission.Id, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    public PermissionEvent[] Snapshot() => [.. _events.Values];

    /// <summary>Ends the deadline thread (call after answering what is pending).</summary>
    public void Stop(TimeSpan wait)
    {
        _stopping = true;
        _wake.Set();
        if (_thread.IsAlive)
        {
            _thread.Join(wait);
        }
    }

    public void Dispose() => _wake.Dispose();

    private void WatchDeadlines()
    {
        while (!_stopping)
        {
            var now = _time.GetTimestamp();
            var next = long.MaxValue;
            foreach (var (_, permission) in _events)
            {
                if (permission.IsAnswered)
                {
                    continue;
                }
                if (permission.Deadline <= now)
                {
                    _onDeadline(permission);
                }
                else
                {
                    next = Math.Min(next, permission.Deadline);
                }
            }
            if (next == long.MaxValue)
            {
                Interlocked.Exchange(ref _sleepingIdle, 1);
                if (Volatile.Read(ref _count) > 0)
                {
                    Interlocked.Exchange(ref _sleepingIdle, 0);
                    // Something was added meanwhile: look again (after a yield, as it may not be visible yet).
                    Thread.Yield();
                    continue;
                }
                _wake.WaitOne(MaxSleep);
                continue;
            }
            var sleep = _time.GetElapsedTime(now, next);
            _wake.WaitOne(sleep < MaxSleep ? sleep + TimeSpan.FromMilliseconds(1) : MaxSleep);
        }
    }
}
