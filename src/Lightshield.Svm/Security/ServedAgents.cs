using System.Collections.Concurrent;

namespace Lightshield.Svm.Security;

/// <summary>The agents this scan server served since its last answered heartbeat, as their verified credentials name
/// them (never as a client declares). The center takes their hypervisor host from this server's and meters them from
/// this report. Recording costs one set insertion per authenticated call.</summary>
public sealed class ServedAgents
{
    /// <summary>Most agent ids one heartbeat carries; the rest wait for the next one.</summary>
    public const int MaxPerHeartbeat = 10_000;

    private ConcurrentDictionary<Guid, byte> _served = new();

    public void Record(Guid agentId) => Volatile.Read(ref _served).TryAdd(agentId, 0);

    /// <summary>Takes up to <see cref="MaxPerHeartbeat"/> ids for a heartbeat; the others stay for the next.</summary>
    public IReadOnlyList<Guid> Take()
    {
        var taken = Interlocked.Exchange(ref _served, new ConcurrentDictionary<Guid, byte>());
        var ids = taken.Keys.ToList();
        if (ids.Count <= MaxPerHeartbeat)
        {
            return ids;
        }
        Return(ids.Skip(MaxPerHeartbeat));
        return ids[..MaxPerHeartbeat];
    }

    /// <summary>Puts back ids whose heartbeat the center did not answer.</summary>
    public void Return(IEnumerable<Guid> agentIds)
    {
        ArgumentNullException.ThrowIfNull(agentIds);
        foreach (var id in agentIds)
        {
            Record(id);
        }
    }
}
