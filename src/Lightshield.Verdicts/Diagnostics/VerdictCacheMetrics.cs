using System.Diagnostics.Metrics;

namespace Lightshield.Verdicts;

/// <summary>The instruments of the <see cref="VerdictInstrumentNames.MeterName"/> meter. Create one per process
/// (a DI singleton) and hand it to every store; without an <see cref="IMeterFactory"/> it owns its meter.</summary>
public sealed class VerdictCacheMetrics : IDisposable
{
    private static readonly KeyValuePair<string, object?> L1Tag = new(VerdictInstrumentNames.TierTag, VerdictInstrumentNames.TierL1);
    private static readonly KeyValuePair<string, object?> L2Tag = new(VerdictInstrumentNames.TierTag, VerdictInstrumentNames.TierL2);

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _stale;
    private readonly Counter<long> _evictions;
    private readonly Counter<long> _l2Errors;
    private readonly Counter<long> _refusedStores;
    private readonly Lock _storesLock = new();
    // Weak, so that a store dropped without ceremony (tests, a profile change) is not kept alive by the gauge.
    private readonly List<WeakReference<MemoryVerdictStore>> _stores = [];

    public VerdictCacheMetrics(IMeterFactory? meterFactory = null)
    {
        if (meterFactory is null)
        {
            _meter = new Meter(VerdictInstrumentNames.MeterName);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(VerdictInstrumentNames.MeterName);
        }
        _hits = _meter.CreateCounter<long>(VerdictInstrumentNames.Hits, "{lookup}", "Look-ups answered with a current verdict.");
        _misses = _meter.CreateCounter<long>(VerdictInstrumentNames.Misses, "{lookup}", "Look-ups of keys the tier does not hold.");
        _stale = _meter.CreateCounter<long>(VerdictInstrumentNames.Stale, "{lookup}", "Look-ups that found a detection from another signature database.");
        _evictions = _meter.CreateCounter<long>(VerdictInstrumentNames.Evictions, "{entry}", "Entries evicted to make room.");
        _l2Errors = _meter.CreateCounter<long>(VerdictInstrumentNames.L2Errors, "{operation}", "Shared-tier operations that failed, were skipped or read a malformed value.");
        _refusedStores = _meter.CreateCounter<long>(VerdictInstrumentNames.RefusedStores, "{store}", "Stores refused by the verdict write rules.");
        _meter.CreateObservableGauge(VerdictInstrumentNames.Entries, ObserveEntries, "{entry}", "Entries held in memory (L1).");
    }

    internal void RecordLookups(bool l2, int hits, int misses, int stale)
    {
        var tier = l2 ? L2Tag : L1Tag;
        if (hits > 0)
        {
            _hits.Add(hits, tier);
        }
        if (misses > 0)
        {
            _misses.Add(misses, tier);
        }
        if (stale > 0)
        {
            _stale.Add(stale, tier);
        }
    }

    internal void RecordEvictions(int evictions)
    {
        if (evictions > 0)
        {
            _evictions.Add(evictions, L1Tag);
        }
    }

    internal void RecordL2Error(string error) =>
        _l2Errors.Add(1, new KeyValuePair<string, object?>(VerdictInstrumentNames.ErrorTag, error));

    internal void RecordRefusedStore(bool l2) => _refusedStores.Add(1, l2 ? L2Tag : L1Tag);

    internal void Track(MemoryVerdictStore store)
    {
        lock (_storesLock)
        {
            _stores.RemoveAll(static reference => !reference.TryGetTarget(out _));
            _stores.Add(new WeakReference<MemoryVerdictStore>(store));
        }
    }

    private Measurement<long> ObserveEntries()
    {
        long entries = 0;
        lock (_storesLock)
        {
            foreach (var reference in _stores)
            {
                if (reference.TryGetTarget(out var store))
                {
                    entries += store.Count;
                }
            }
        }
        return new Measurement<long>(entries, L1Tag);
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
