using Lightshield.Verdicts;

namespace Lightshield.Engine.Workers;

/// <summary>The kinds of message between a scan server and its scan worker. Frozen: both ends may come from different
/// builds during an upgrade.</summary>
public enum WorkerMessageKind : byte
{
    /// <summary>Server → worker, first: the engine options (<see cref="WorkerStart"/>).</summary>
    Start = 1,

    /// <summary>Worker → server: the engine is loaded (<see cref="WorkerReady"/>); the worker takes scans now.</summary>
    Ready = 2,

    /// <summary>Worker → server: the engine could not be loaded (<see cref="WorkerFailed"/>); the worker exits.</summary>
    Failed = 3,

    /// <summary>Server → worker: scan the payload (<see cref="WorkerScan"/>).</summary>
    Scan = 4,

    /// <summary>Worker → server: the verdict of one scan (<see cref="WorkerVerdict"/>).</summary>
    Verdict = 5,
}

/// <summary>What the worker loads. <paramref name="Concurrency"/>: scans it runs at once (the server's scan slots).</summary>
public sealed record WorkerStart(EngineOptions Options, int Concurrency);

/// <summary>The loaded engine, as the server reports it to clients and the center, and how the worker confined itself
/// (<paramref name="Confinement"/>: <c>seccomp</c>, or why not).</summary>
public sealed record WorkerReady(string EngineVersion, string Profile, string ProfileDescription, DatabaseInfo Database, string Confinement);

/// <summary>Why the engine could not be loaded, in the engine's own words.</summary>
public sealed record WorkerFailed(string Reason);

/// <summary>One scan; the content follows as the payload. <paramref name="Id"/> pairs the answer with the request.</summary>
public sealed record WorkerScan(long Id);

/// <summary>The answer to <see cref="WorkerScan"/> <paramref name="Id"/>.</summary>
public sealed record WorkerVerdict(long Id, Verdict Verdict);
