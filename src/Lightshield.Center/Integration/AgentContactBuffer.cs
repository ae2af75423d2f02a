namespace Lightshield.Center.Integration;

/// <summary>
/// The times a sync would otherwise write on every contact, held in memory until <see cref="AgentContactFlusher"/> writes
/// them in bulk: the agent's last-seen time and uptime (<see cref="AgentStatus"/>), the time of its health report
/// (<see cref="Health.AgentHealth"/>) and the end of its current presence stretch (<see cref="Billing.AgentPresence"/>).
/// Each value only moves forward (the latest wins here and in the database), so flushes from several instances, in any
/// order, converge to the newest contact. Decision 59.
/// </summary>
public sealed class AgentContactBuffer
{
    private readonly Lock _gate = new();
    private Dictionary<Guid, SeenContact> _seen = [];
    private Dictionary<Guid, DateTimeOffset> _healthReported = [];
    private Dictionary<Guid, DateTimeOffset> _presenceUntil = [];

    // Kept after flushes (one entry per agent seen here): a sync reads it before the database, so an end being written
    // by a flush in progress is never missed by both.
    private readonly Dictionary<Guid, (Guid PresenceId, DateTimeOffset Until)> _latestPresence = [];

    /// <summary>The agent synced at <paramref name="at"/>; <paramref name="uptimeSeconds"/> is null without a health report.</summary>
    public void Seen(Guid agentId, DateTimeOffset at, long? uptimeSeconds)
    {
        lock (_gate)
        {
            if (!_seen.TryGetValue(agentId, out var pending) || pending.At < at)
            {
                _seen[agentId] = new SeenContact(at, uptimeSeconds ?? pending?.UptimeSeconds);
            }
        }
    }

    /// <summary>The agent's health report, unchanged in content, arrived at <paramref name="at"/>.</summary>
    public void HealthReported(Guid agentId, DateTimeOffset at)
    {
        lock (_gate)
        {
            Later(_healthReported, agentId, at);
        }
    }

    /// <summary>The agent's presence stretch <paramref name="presenceId"/> now lasts until <paramref name="until"/>.</summary>
    public void PresenceExtended(Guid agentId, Guid presenceId, DateTimeOffset until)
    {
        lock (_gate)
        {
            Later(_presenceUntil, presenceId, until);
            if (!_latestPresence.TryGetValue(agentId, out var latest) || latest.PresenceId != presenceId || latest.Until < until)
            {
                _latestPresence[agentId] = (presenceId, until);
            }
        }
    }

    /// <summary>The latest end this instance recorded for the agent's stretch, written or not (read it before the
    /// database: a value drained by a flush is in the database once that flush ends).</summary>
    public (Guid PresenceId, DateTimeOffset Until)? LatestPresence(Guid agentId)
    {
        lock (_gate)
        {
            return _latestPresence.TryGetValue(agentId, out var latest) ? latest : null;
        }
    }

    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _seen.Count + _healthReported.Count + _presenceUntil.Count;
            }
        }
    }

    /// <summary>Takes everything pending; what a failed write could not store goes back with <see cref="Restore"/>.</summary>
    public PendingContacts Drain()
    {
        lock (_gate)
        {
            var drained = new PendingContacts(_seen, _healthReported, _presenceUntil);
            _seen = [];
            _healthReported = [];
            _presenceUntil = [];
            return drained;
        }
    }

    /// <summary>Puts back what a failed flush took, keeping any newer value recorded since.</summary>
    public void Restore(PendingContacts pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        lock (_gate)
        {
            foreach (var (agentId, contact) in pending.Seen)
            {
                if (!_seen.TryGetValue(agentId, out var newer) || newer.At < contact.At)
                {
                    _seen[agentId] = contact;
                }
            }
            foreach (var (agentId, at) in pending.HealthReported)
            {
                Later(_healthReported, agentId, at);
            }
            foreach (var (presenceId, until) in pending.PresenceUntil)
            {
                Later(_presenceUntil, presenceId, until);
            }
        }
    }

    private static void Later(Dictionary<Guid, DateTimeOffset> values, Guid key, DateTimeOffset at)
    {
        if (!values.TryGetValue(key, out var pending) || pending < at)
        {
            values[key] = at;
        }
    }
}

/// <summary>A sync's time and the uptime it reported (null: no health report since the last flush).</summary>
public sealed record SeenContact(DateTimeOffset At, long? UptimeSeconds);

/// <summary>What one flush writes.</summary>
public sealed record PendingContacts(
    IReadOnlyDictionary<Guid, SeenContact> Seen,
    IReadOnlyDictionary<Guid, DateTimeOffset> HealthReported,
    IReadOnlyDictionary<Guid, DateTimeOffset> PresenceUntil)
{
    public bool IsEmpty => Seen.Count == 0 && HealthReported.Count == 0 && PresenceUntil.Count == 0;

    public int Count => Seen.Count + HealthReported.Count + PresenceUntil.Count;
}
