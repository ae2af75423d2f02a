namespace Lightshield.Bench.Support;

/// <summary>What the .NET runtime did in this process between two snapshots: allocations, collections, GC pauses,
/// lock contention, thread pool size.</summary>
internal readonly record struct RuntimeCounters(
    long AllocatedBytes, int Gen0, int Gen1, int Gen2, TimeSpan GcPause, long LockContentions, int PoolThreads, long JitMethods, TimeSpan JitTime)
{
    public static RuntimeCounters Now() => new(
        GC.GetTotalAllocatedBytes(precise: false), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
        GC.GetTotalPauseDuration(), Monitor.LockContentionCount, ThreadPool.ThreadCount,
        System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());

    public static RuntimeCounters operator -(RuntimeCounters a, RuntimeCounters b) => new(
        a.AllocatedBytes - b.AllocatedBytes, a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.GcPause - b.GcPause,
        a.LockContentions - b.LockContentions, a.PoolThreads, a.JitMethods - b.JitMethods, a.JitTime - b.JitTime);

    public static readonly TimeSpan QuietLimit = TimeSpan.FromSeconds(5);

    /// <summary>Waits until the JIT has compiled nothing for a few hundred milliseconds (at most
    /// <paramref name="limit"/>): tiered compilation promotes a method after 30 calls, so code that runs once per
    /// server start (hosting, DI, Kestrel set-up) is recompiled in the background of later passes otherwise. Called
    /// before every timed pass, so no pass pays for the compilations that the one before it triggered.</summary>
    public static void WaitForJitQuiet(TimeSpan limit)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(limit.TotalSeconds * TimeProvider.System.TimestampFrequency);
        var quiet = 0;
        var last = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (quiet < 3 && TimeProvider.System.GetTimestamp() < deadline)
        {
            Thread.Sleep(100);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            quiet = now == last ? quiet + 1 : 0;
            last = now;
        }
    }

    public override string ToString() =>
        $"JIT {JitMethods} methods {JitTime.TotalMilliseconds:0} ms, alloc {Format.MiB(AllocatedBytes)} MiB, GCs {Gen0}/{Gen1}/{Gen2}, " +
        $"GC pause {GcPause.TotalMilliseconds:0} ms, lock contentions {LockContentions}, pool threads {PoolThreads}";
}
