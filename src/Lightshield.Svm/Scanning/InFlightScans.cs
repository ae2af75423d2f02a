using System.Collections.Concurrent;
using Lightshield.Svm.Admission;
using Lightshield.Verdicts;
using Microsoft.Extensions.Options;

namespace Lightshield.Svm.Scanning;

/// <summary>
/// The scans of this server in progress, by declared file key, so that clients that miss the same content at the
/// same moment (ten VMs of one image starting their nightly scan) get one upload and one engine scan: the first
/// request leads, the later ones wait for its verdict without sending a byte.
/// A waiter gets only what a cache look-up would give it a moment later: the leader publishes a verdict only after
/// the server has checked the received bytes against the key, so a client that declares a key and sends other
/// bytes publishes nothing. Each waiter joins at most once, so a client that keeps failing as leader cannot hold
/// another client back more than one round.
/// </summary>
public sealed class InFlightScans(IOptions<AdmissionOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<FileKey, InFlightScan> _scans = new();
    private int _waiting;

    /// <summary>Scans led now.</summary>
    public int Count => _scans.Count;

    /// <summary>Requests waiting now for another request's scan.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Makes the caller the leader for <paramref name="key"/> when no scan of it is in progress (returns it, to
    /// be completed and removed by the caller); otherwise returns null and the scan in progress as <paramref name="running"/>.</summary>
    public InFlightScan? TryLead(FileKey key, ScanPriority priority, string tenant, out InFlightScan? running)
    {
        var mine = new InFlightScan(key, priority, tenant);
        if (_scans.TryAdd(key, mine))
        {
            running = null;
            return mine;
        }
        running = _scans.TryGetValue(key, out var existing) ? existing : null;
        return null;
    }

    /// <summary>The verdict of <paramref name="running"/>; null when it failed, or when it has held its scan slot for
    /// longer than <see cref="AdmissionOptions.SharedScanWait"/> (a slow or stalled uploader). Time spent queued for a
    /// slot does not count: the waiter would have queued as long itself.</summary>
    public async Task<Verdict?> WaitForAsync(InFlightScan running, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(running);
        Interlocked.Increment(ref _waiting);
        try
        {
            return await running.WaitAsync(options.Value.SharedScanWait, time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    /// <summary>Publishes the leader's outcome and lets the next request lead. Only a conclusive verdict is shared, as
    /// the cache would share it; after an error or a failed upload (null) each waiter scans on its own.</summary>
    public void Finish(InFlightScan scan, Verdict? verdict)
    {
        ArgumentNullException.ThrowIfNull(scan);
        _scans.TryRemove(new KeyValuePair<FileKey, InFlightScan>(scan.Key, scan));
        scan.Complete(verdict is { IsConclusive: true } ? verdict : null);
    }
}

/// <summary>One leading scan: admitted once it holds a scan slot, completed with its verdict or with null.</summary>
public sealed class InFlightScan(FileKey key, ScanPriority priority, string tenant)
{
    private readonly TaskCompletionSource _admitted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Verdict?> _verdict = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FileKey Key { get; } = key;

    public ScanPriority Priority { get; } = priority;

    /// <summary>The tenant whose upload this is: its other requests may join it (they learn nothing about another tenant).</summary>
    public string Tenant { get; } = tenant;

    public void Admitted() => _admitted.TrySetResult();

    internal void Complete(Verdict? verdict)
    {
        _admitted.TrySetResult();
        _verdict.TrySetResult(verdict);
    }

    internal async Task<Verdict?> WaitAsync(TimeSpan afterAdmission, TimeProvider time, CancellationToken cancellationToken)
    {
        await _admitted.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _verdict.Task.WaitAsync(afterAdmission, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
