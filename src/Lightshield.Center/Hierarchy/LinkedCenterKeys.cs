using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tenants;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy;

/// <summary>
/// On the main center: the agent-credential public keys each linked tenant center sent up and the credential ids it
/// refuses (kept as the link marks <c>center-keys:ID</c> and <c>center-revoked:ID</c>), handed to the scan servers of the
/// tenant's segment with each heartbeat answer, each key bound to its own tenant (decision 63). A revoked link or a
/// suspended tenant hands out no key. Read at most every few seconds.
/// </summary>
public sealed class LinkedCenterKeys(IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>Keys one tenant center may send (its current key and those it still trusts during a rotation).</summary>
    public const int MaxKeys = 4;

    /// <summary>Refused credential ids one tenant center may send (about 76 kB of the exchange's 256).</summary>
    public const int MaxRevoked = 2_000;

    private const string MarkPrefix = "center-keys:";
    private const string RevokedPrefix = "center-revoked:";
    private static readonly TimeSpan Remembered = TimeSpan.FromSeconds(5);
    private volatile Known _known = new([], [], DateTimeOffset.MinValue);

    /// <summary>What is wrong with the keys a tenant center sent (for <see cref="LinkRequestLimits"/>).</summary>
    public static IEnumerable<string> Problems(IReadOnlyCollection<string> keys, IReadOnlyCollection<string> revoked)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(revoked);
        if (revoked.Count > MaxRevoked || revoked.Any(id => !Guid.TryParse(id, out _)))
        {
            yield return $"revoked_credentials must be at most {MaxRevoked} credential ids";
        }
        if (keys.Count > MaxKeys)
        {
            yield return $"{keys.Count} agent keys; at most {MaxKeys}";
            yield break;
        }
        foreach (var key in keys)
        {
            string? problem = null;
            try
            {
                CredentialPublicKey.Parse(key);
            }
            catch (FormatException e)
            {
                problem = $"an agent key is not usable: {e.Message}";
            }
            if (problem is not null)
            {
                yield return problem;
            }
        }
    }

    /// <summary>Records the keys and refused credential ids <paramref name="link"/> sent, when they changed (saved with the exchange).</summary>
    public static async Task StoreAsync(CenterDbContext db, LinkedCenter link, IEnumerable<string> keys, IEnumerable<string> revoked,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(link);
        await StoreMarkAsync(db, MarkPrefix + link.Id, string.Join('\n', keys.Order(StringComparer.Ordinal)), now, cancellationToken);
        await StoreMarkAsync(db, RevokedPrefix + link.Id, string.Join('\n', revoked.Select(Guid.Parse).Order()), now, cancellationToken);
    }

    private static async Task StoreMarkAsync(CenterDbContext db, string markKey, string value, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var mark = await db.LinkMarks.FirstOrDefaultAsync(m => m.Key == markKey, cancellationToken);
        if (mark is null)
        {
            db.LinkMarks.Add(new LinkMark { Key = markKey, Value = value, UpdatedAt = now });
        }
        else if (mark.Value != value)
        {
            (mark.Value, mark.UpdatedAt) = (value, now);
        }
    }

    /// <summary>The keys of the linked centers whose active tenant is in <paramref name="segment"/>.</summary>
    public async Task<IEnumerable<TenantCredentialKey>> ForSegmentAsync(string segment, CancellationToken cancellationToken) =>
        (await KnownAsync(cancellationToken)).Keys.Where(k => string.Equals(k.Segment, segment, StringComparison.Ordinal)).Select(k => k.Key);

    /// <summary>The credential ids that linked centers refuse: every scan server refuses them too (they are random ids, and
    /// a scan server that holds no key of that center refuses its credentials anyway).</summary>
    public async Task<IReadOnlyList<string>> RevokedAsync(CancellationToken cancellationToken) => (await KnownAsync(cancellationToken)).Revoked;

    private async Task<Known> KnownAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var known = _known;
        if (known.Until > now && known.Until - now <= Remembered)
        {
            return known;
        }
        await using var scope = scopes.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var centers = await (from c in db.LinkedCenters
                             join t in db.Tenants on c.TenantId equals t.Id
                             join s in db.Segments on t.SegmentId equals s.Id
                             where c.RevokedAt == null && t.State == TenantState.Active
                             select new { c.Id, c.TenantId, Segment = s.Name }).AsNoTracking().ToListAsync(cancellationToken);
        var marks = await db.LinkMarks.AsNoTracking().Where(m => m.Key.StartsWith(MarkPrefix) || m.Key.StartsWith(RevokedPrefix))
            .ToDictionaryAsync(m => m.Key, m => m.Value, cancellationToken);
        var keys = new List<(string, TenantCredentialKey)>();
        foreach (var center in centers)
        {
            foreach (var key in marks.GetValueOrDefault(MarkPrefix + center.Id, "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                keys.Add((center.Segment, new TenantCredentialKey { PublicKey = key, TenantId = center.TenantId.ToString() }));
            }
        }
        var revoked = marks.Where(m => m.Key.StartsWith(RevokedPrefix, StringComparison.Ordinal))
            .SelectMany(m => m.Value.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Distinct().ToList();
        var fresh = new Known(keys, revoked, now + Remembered);
        _known = fresh;
        return fresh;
    }

    private sealed record Known(IReadOnlyList<(string Segment, TenantCredentialKey Key)> Keys, IReadOnlyList<string> Revoked, DateTimeOffset Until);
}
