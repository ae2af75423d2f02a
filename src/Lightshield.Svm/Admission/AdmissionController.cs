using Microsoft.Extensions.Options;

namespace Lightshield.Svm.Admission;

/// <summary>
/// Bounded concurrency with strict priority between classes (on-access, on-demand, scheduled) and
/// round-robin fairness between tenants inside a class: each tenant has its own FIFO, and a freed slot
/// goes to the next tenant in turn, so a tenant with a thousand queued files gets one slot per round
/// like a tenant with one.
/// </summary>
public sealed class AdmissionController
{
    private static readonly TimeSpan MinRetryAfter = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    private readonly AdmissionOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly ClassQueue[] _classes;
    private int _running;
    private double _averageScanSeconds = 0.05;

    public AdmissionController(IOptions<AdmissionOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        _classes = [new(), new(), new()];
    }

    public int Running
    {
        get
        {
            lock (_lock)
            {
                return _running;
            }
        }
    }

    public int QueueDepth(ScanPriority priority)
    {
        lock (_lock)
        {
            return ClassOf(priority).Count;
        }
    }

    /// <summary>Waits for a scan slot. Throws <see cref="AdmissionRejectedException"/> at once when the
    /// class's queue (or this tenant's share of it) is full.</summary>
    public ValueTask<AdmissionTicket> EnterAsync(ScanPriority priority, string tenant, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_lock)
        {
            if (_running < _options.MaxConcurrentScans && NoneWaiting())
            {
                _running++;
                return ValueTask.FromResult(new AdmissionTicket(this, _time.GetTimestamp()));
            }

            var queue = ClassOf(priority);
            var capacity = _options.CapacityOf(priority);
            if (queue.Count >= capacity)
            {
                throw Rejected(priority, $"{queue.Count} {priority} scans already queued");
            }
            var tenantLimit = Math.Max(1, (int)(capacity * _options.MaxTenantQueueShare));
            if (queue.CountOf(tenant) >= tenantLimit)
            {
                throw Rejected(priority, $"tenant has {tenantLimit} {priority} scans queued, its share of the queue");
            }
            waiter = new Waiter(tenant);
            queue.Enqueue(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.Register(static state => ((Waiter)state!).Completion.TrySetCanceled(), waiter);
        }
        return WaitAsync(waiter);
    }

    private async ValueTask<AdmissionTicket> WaitAsync(Waiter waiter)
    {
        try
        {
            await waiter.Completion.Task.ConfigureAwait(false);
            return new AdmissionTicket(this, _time.GetTimestamp());
        }
        finally
        {
            await waiter.Registration.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal void Exit(long startTimestamp)
    {
        var seconds = _time.GetElapsedTime(startTimestamp).TotalSeconds;
        lock (_lock)
        {
            _averageScanSeconds = (_averageScanSeconds * 0.9) + (seconds * 0.1);
            foreach (var queue in _classes)
            {
                while (queue.TryDequeueNextTenant(out var next))
                {
                    // A waiter cancelled while queued gives its turn to the next one.
                    if (next.Completion.TrySetResult())
                    {
                        return; // the slot passes to the woken waiter: _running stays the same
                    }
                }
            }
            _running--;
        }
    }

    private bool NoneWaiting() => _classes[0].Count == 0 && _classes[1].Count == 0 && _classes[2].Count == 0;

    private ClassQueue ClassOf(ScanPriority priority) => _classes[(int)priority - 1];

    private AdmissionRejectedException Rejected(ScanPriority priority, string reason)
    {
        var ahead = 0;
        for (var i = 0; i < (int)priority; i++)
        {
            ahead += _classes[i].Count;
        }
        var estimate = TimeSpan.FromSeconds(_averageScanSeconds * (ahead + 1) / _options.MaxConcurrentScans);
        var retryAfter = TimeSpan.FromTicks(Math.Clamp(estimate.Ticks, MinRetryAfter.Ticks, MaxRetryAfter.Ticks));
        return new AdmissionRejectedException(priority, retryAfter, reason);
    }

    private sealed class Waiter(string tenant)
    {
        public string Tenant { get; } = tenant;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }
    }

    /// <summary>One class: a FIFO per tenant and a rotation of the tenants that have something waiting.</summary>
    private sealed class ClassQueue
    {
        private readonly Dictionary<string, Queue<Waiter>> _byTenant = new(StringComparer.Ordinal);
        private readonly Queue<string> _rotation = new();

        public int Count { get; private set; }

        public int CountOf(string tenant) => _byTenant.TryGetValue(tenant, out var queue) ? queue.Count : 0;

        public void Enqueue(Waiter waiter)
        {
            if (!_byTenant.TryGetValue(waiter.Tenant, out var queue))
            {
                queue = new Queue<Waiter>();
                _byTenant.Add(waiter.Tenant, queue);
                _rotation.Enqueue(waiter.Tenant);
            }
            queue.Enqueue(waiter);
            Count++;
        }

        public bool TryDequeueNextTenant(out Waiter waiter)
        {
            if (!_rotation.TryDequeue(out var tenant))
            {
                waiter = null!;
                return false;
            }
            var queue = _byTenant[tenant];
            waiter = queue.Dequeue();
            Count--;
            if (queue.Count == 0)
            {
                _byTenant.Remove(tenant);
            }
            else
            {
                _rotation.Enqueue(tenant);
            }
            return true;
        }
    }
}
