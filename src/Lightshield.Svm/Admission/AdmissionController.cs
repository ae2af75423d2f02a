using Microsoft.Extensions.Options;

namespace Lightshield.Svm.Admission;

/// <summary>
/// Bounded concurrency with strict priority between classes (on-access, on-demand, scheduled) and
/// round-robin fairness between tenants inside a class: each tenant has its own FIFO, and a freed slot
/// goes to the next tenant in turn, so a tenant with a thousand queued files gets one slot per round
/// like a tenant with one. While another tenant has a scan queued, a tenant holds at most
/// <see cref="AdmissionOptions.TenantRunningCap"/> running scans: a freed slot goes to the first waiter, in class order,
/// whose tenant is under its cap (or has nobody else waiting), so slow or stalled scans of one tenant cannot take every
/// slot from the others. Only when every waiting tenant is at its cap does the slot go to a capped one: a slot is
/// never left idle while someone waits.
/// </summary>
public sealed class AdmissionController
{
    private static readonly TimeSpan MinRetryAfter = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    private readonly AdmissionOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly ClassQueue[] _classes;
    private readonly Dictionary<string, int> _runningByTenant = new(StringComparer.Ordinal);
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

    /// <summary>Scans of <paramref name="tenant"/> holding a slot now.</summary>
    public int RunningOf(string tenant)
    {
        lock (_lock)
        {
            return RunningOfLocked(tenant);
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
                AddRunning(tenant, 1);
                return ValueTask.FromResult(new AdmissionTicket(this, tenant, _time.GetTimestamp()));
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
            return new AdmissionTicket(this, waiter.Tenant, _time.GetTimestamp());
        }
        finally
        {
            await waiter.Registration.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal void Exit(string tenant, long startTimestamp)
    {
        var seconds = _time.GetElapsedTime(startTimestamp).TotalSeconds;
        lock (_lock)
        {
            _averageScanSeconds = (_averageScanSeconds * 0.9) + (seconds * 0.1);
            AddRunning(tenant, -1);
            while ((NextWaiter(capped: true) ?? NextWaiter(capped: false)) is { } next)
            {
                // A waiter cancelled while queued gives its turn to the next one.
                if (next.Completion.TrySetResult())
                {
                    AddRunning(next.Tenant, 1);
                    return; // the slot passes to the woken waiter: _running stays the same
                }
            }
            _running--;
        }
    }

    /// <summary>Takes the next waiter in class order; with <paramref name="capped"/>, only one whose tenant is under its
    /// running cap or has nobody else waiting.</summary>
    private Waiter? NextWaiter(bool capped)
    {
        foreach (var queue in _classes)
        {
            if (queue.TryDequeueNextTenant(capped ? UnderCap : static _ => true, out var next))
            {
                return next;
            }
        }
        return null;
    }

    private bool UnderCap(string tenant) => RunningOfLocked(tenant) < _options.TenantRunningCap || !OthersWaiting(tenant);

    private bool OthersWaiting(string tenant)
    {
        foreach (var queue in _classes)
        {
            if (queue.Count > queue.CountOf(tenant))
            {
                return true;
            }
        }
        return false;
    }

    private int RunningOfLocked(string tenant) => _runningByTenant.TryGetValue(tenant, out var running) ? running : 0;

    private void AddRunning(string tenant, int delta)
    {
        var running = RunningOfLocked(tenant) + delta;
        if (running > 0)
        {
            _runningByTenant[tenant] = running;
        }
        else
        {
            _runningByTenant.Remove(tenant);
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

        /// <summary>Takes the first waiter of the next tenant in turn that is <paramref name="eligible"/>; a tenant passed
        /// over (at its running cap) goes to the back of the rotation, as if it had had its turn.</summary>
        public bool TryDequeueNextTenant(Func<string, bool> eligible, out Waiter waiter)
        {
            for (var turn = _rotation.Count; turn > 0; turn--)
            {
                var tenant = _rotation.Dequeue();
                if (!eligible(tenant))
                {
                    _rotation.Enqueue(tenant);
                    continue;
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
            waiter = null!;
            return false;
        }
    }
}
