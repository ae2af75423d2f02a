using System.Diagnostics.CodeAnalysis;

namespace Lightshield.Testing;

/// <summary>What a fake received, in arrival order, duplicates included. A test reads it as a collection, or awaits a
/// condition on it: every addition checks the waiting conditions, so nothing polls.</summary>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "Reads as what it holds: Recorded<SyncRequest> Syncs.")]
public sealed class Recorded<T> : IReadOnlyCollection<T>
{
    private readonly Lock _lock = new();
    private readonly List<T> _items = [];
    private readonly List<Waiter> _waiters = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    public void Add(T item)
    {
        List<Waiter> met = [];
        lock (_lock)
        {
            _items.Add(item);
            met.AddRange(_waiters.Where(w => w.Condition(_items)));
            _waiters.RemoveAll(met.Contains);
        }
        foreach (var waiter in met)
        {
            waiter.Met.TrySetResult();
        }
    }

    /// <summary>Forgets what was received so far (waiting conditions stay).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _items.Clear();
        }
    }

    /// <summary>Returns once <paramref name="condition"/> holds for everything received (at once when it already
    /// does); throws <see cref="TimeoutException"/> naming <paramref name="what"/> when it did not within
    /// <paramref name="bound"/> (default <see cref="Patience.Default"/>).</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<T>, bool> condition, string what, TimeSpan? bound = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var waiter = new Waiter(condition, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_lock)
        {
            if (condition(_items))
            {
                return;
            }
            _waiters.Add(waiter);
        }
        var limit = bound ?? Patience.Default;
        try
        {
            await waiter.Met.Task.WaitAsync(limit, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            lock (_lock)
            {
                _waiters.Remove(waiter);
            }
            if (e is TimeoutException)
            {
                throw new TimeoutException($"not within {limit.TotalSeconds} s: {what} ({Count} received)", e);
            }
            throw;
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> items were received in all.</summary>
    public Task WaitForCountAsync(int count, string what, TimeSpan? bound = null, CancellationToken cancellationToken = default) =>
        WaitUntilAsync(items => items.Count >= count, what, bound, cancellationToken);

    public IEnumerator<T> GetEnumerator()
    {
        lock (_lock)
        {
            return _items.ToList().GetEnumerator();
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    private sealed record Waiter(Func<IReadOnlyList<T>, bool> Condition, TaskCompletionSource Met);
}
