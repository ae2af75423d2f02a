namespace Lightshield.Testing;

/// <summary>A count that background work increments (scans done, for example), which a test awaits reaching a value
/// instead of polling it.</summary>
public sealed class ProgressCounter
{
    private readonly Lock _lock = new();
    private readonly List<(long Target, TaskCompletionSource Reached)> _waiters = [];
    private long _value;

    public long Value
    {
        get
        {
            lock (_lock)
            {
                return _value;
            }
        }
    }

    public void Increment()
    {
        List<TaskCompletionSource> reached = [];
        lock (_lock)
        {
            _value++;
            foreach (var waiter in _waiters.Where(w => w.Target <= _value))
            {
                reached.Add(waiter.Reached);
            }
            _waiters.RemoveAll(w => w.Target <= _value);
        }
        foreach (var done in reached)
        {
            done.TrySetResult();
        }
    }

    /// <summary>Returns once the count reached <paramref name="target"/>; <see cref="TimeoutException"/> naming
    /// <paramref name="what"/> after <paramref name="bound"/> (default <see cref="Patience.Default"/>).</summary>
    public async Task WaitForAsync(long target, string what, TimeSpan? bound = null)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_value >= target)
            {
                return;
            }
            _waiters.Add((target, reached));
        }
        var limit = bound ?? Patience.Default;
        try
        {
            await reached.Task.WaitAsync(limit);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"not within {limit.TotalSeconds} s: {what} (count {Value} of {target})", e);
        }
    }
}
