using System.Collections.Concurrent;
using Google.Protobuf;
using Lightshield.Protocol.Center;
using Lightshield.Svm.Sharing;
using Lightshield.Verdicts;

namespace Lightshield.Svm.Center;

/// <summary>
/// What the retro-active check of a new database found (cache entries turned from clean to infected by a new hash
/// signature), with who may hold that content (<see cref="ContentPresence.HoldersOf"/>), waiting for the next answered
/// heartbeat: the center turns them into retro-hunts on those tenants' agents. Only the center hears of them; a tenant
/// never does, so the scan server does not become an oracle of what other tenants hold.
/// </summary>
public sealed class RetroFindings(ContentPresence presence)
{
    /// <summary>Most findings one heartbeat carries; the rest wait for the next one.</summary>
    public const int MaxPerHeartbeat = 10_000;

    /// <summary>Most findings kept while the center is unreachable; beyond it the oldest are dropped (their tenants' next
    /// scheduled scan still finds the content, decision 31).</summary>
    public const int MaxPending = 100_000;

    private readonly ConcurrentQueue<RetroFinding> _pending = new();

    /// <summary>Findings waiting for a heartbeat.</summary>
    public int Count => _pending.Count;

    /// <summary>Findings dropped because too many waited.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    private long _dropped;

    /// <summary>Records the keys <paramref name="databaseVersion"/>'s new hash signatures turned infected.</summary>
    public void Add(IEnumerable<FileKey> keys, string databaseVersion)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            var (siteWide, tenants) = presence.HoldersOf(key);
            var finding = new RetroFinding
            {
                Sha256 = ByteString.CopyFrom(key.Sha256()),
                Size = key.Size,
                DatabaseVersion = databaseVersion,
                SiteWide = siteWide,
            };
            finding.TenantIds.AddRange(tenants);
            _pending.Enqueue(finding);
        }
        while (_pending.Count > MaxPending && _pending.TryDequeue(out _))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Takes up to <see cref="MaxPerHeartbeat"/> findings for a heartbeat, oldest first.</summary>
    public IReadOnlyList<RetroFinding> Take()
    {
        var taken = new List<RetroFinding>();
        while (taken.Count < MaxPerHeartbeat && _pending.TryDequeue(out var finding))
        {
            taken.Add(finding);
        }
        return taken;
    }

    /// <summary>Puts back findings whose heartbeat the center did not answer (they go out again, after newer ones).</summary>
    public void Return(IEnumerable<RetroFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        foreach (var finding in findings)
        {
            _pending.Enqueue(finding);
        }
    }
}
