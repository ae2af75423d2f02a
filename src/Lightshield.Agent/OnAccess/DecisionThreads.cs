namespace Lightshield.Agent.OnAccess;

/// <summary>Dedicated threads that run decisions, so a busy or starved thread pool delays no open. A new event goes
/// to the most recently idle thread (warm caches, exactly one wake-up); when all are busy it waits in a backlog.
/// </summary>
internal sealed class DecisionThreads
{
    private readonly Lock _gate = new();
    private readonly Queue<PermissionEvent> _backlog = new();
    private readonly Stack<Slot> _idle = new();
    private readonly Action<PermissionEvent> _run;
    private readonly int _count;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _live;
    private bool _completed;

    /// <param name="count">Number of threads.</param>
    /// <param name="run">Runs one event; must not throw.</param>
    public DecisionThreads(int count, Action<PermissionEvent> run)
    {
        _count = count;
        _run = run;
    }

    /// <summary>Completes once every thread has ended after <see cref="Complete"/>.</summary>
    public Task Completion => _completion.Task;

    public void Start()
    {
        _live = _count;
        for (var i = 0; i < _count; i++)
        {
            new Thread(Run) { IsBackground = true, Name = $"fanotify-decide-{i}" }.Start(new Slot());
        }
    }

    /// <summary>Hands <paramref name="permission"/> to a thread; false after <see cref="Complete"/>.</summary>
    public bool Dispatch(PermissionEvent permission)
    {
        Slot? slot;
        lock (_gate)
        {
            if (_completed)
            {
                return false;
            }
            if (_idle.TryPop(out slot))
            {
                slot.Item = permission;
            }
            else
            {
                _backlog.Enqueue(permission);
            }
        }
        slot?.Signal.Set();
        return true;
    }

    /// <summary>No more events: each thread ends once the backlog is empty.</summary>
    public void Complete()
    {
        List<Slot> idle;
        lock (_gate)
        {
            _completed = true;
            idle = [.. _idle];
            _idle.Clear();
        }
        foreach (var slot in idle)
        {
            slot.Signal.Set();
        }
    }

    private void Run(object? state)
    {
        var slot = (Slot)state!;
        try
        {
            while (true)
            {
                PermissionEvent? next;
                lock (_gate)
                {
                    if (!_backlog.TryDequeue(out next))
                    {
                        if (_completed)
                        {
                            return;
                        }
                        _idle.Push(slot);
                    }
                }
                if (next is null)
                {
                    slot.Signal.Wait();
                    slot.Signal.Reset();
                    next = slot.Item;
                    slot.Item = null;
                    if (next is null)
                    {
                        return;
                    }
                }
                _run(next);
            }
        }
        finally
        {
            slot.Signal.Dispose();
            if (Interlocked.Decrement(ref _live) == 0)
            {
                _completion.TrySetResult();
            }
        }
    }

    private sealed class Slot
    {
        public ManualResetEventSlim Signal { get; } = new(initialState: false, spinCount: 10);

        public PermissionEvent? Item { get; set; }
    }
}
