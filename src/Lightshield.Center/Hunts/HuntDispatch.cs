using System.Globalization;
using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Queries;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hunts;

/// <summary>Starts hunts in the current tenant scope, for every agent of the tenant that is not revoked.</summary>
public sealed partial class HuntDispatch(CenterDbContext db, AuditLog audit, CurrentActor actor, TimeProvider time)
{
    /// <summary>Most hashes in one hunt (the agents' own limit is ten times this).</summary>
    public const int MaxHashes = 10_000;

    /// <summary>Creates the hunt and one run per agent. Throws <see cref="InvalidRequestException"/> naming every bad
    /// hash (at most ten of them) or an empty or oversized list.</summary>
    public Task<Hunt> StartAsync(IReadOnlyList<string> sha256s, CancellationToken cancellationToken) =>
        CreateAsync(Normalize(sha256s), HuntKind.OnDemand, databaseVersion: null, cancellationToken);

    /// <summary>Creates a hunt of <paramref name="hashes"/> (distinct lowercase hex, at most <see cref="MaxHashes"/>) and
    /// one run per agent of the scope's tenant that is not revoked; audited.</summary>
    internal async Task<Hunt> CreateAsync(IReadOnlyList<string> hashes, HuntKind kind, string? databaseVersion, CancellationToken cancellationToken,
        Guid? outbreakHuntId = null)
    {
        var agents = await db.Agents.AsNoTracking().Where(a => a.RevokedAt == null).Select(a => a.Id).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var hunt = new Hunt
        {
            Id = Guid.NewGuid(),
            Hashes = string.Join('\n', hashes),
            HashCount = hashes.Count,
            CreatedAt = now,
            CreatedBy = actor.Name,
            Kind = kind,
            DatabaseVersion = databaseVersion,
            OutbreakHuntId = outbreakHuntId,
        };
        db.Hunts.Add(hunt);
        foreach (var agentId in agents)
        {
            db.AgentHuntRuns.Add(new AgentHuntRun { Id = Guid.NewGuid(), HuntId = hunt.Id, AgentId = agentId });
        }
        audit.Record(kind switch { HuntKind.Retro => "hunt.retro", HuntKind.Outbreak => "hunt.outbreak", _ => "hunt.start" }, $"hunt/{hunt.Id}",
            new { hashes = hashes.Count, agents = agents.Count, databaseVersion, outbreakHuntId });
        await db.SaveChangesAsync(cancellationToken);
        return hunt;
    }

    /// <summary>Every 64-hex-digit word of <paramref name="text"/> (an IOC file, a pasted list), lowercase, distinct.</summary>
    public static List<string> Sha256Words(string text) =>
        [.. Sha256Word().Matches(text ?? "").Select(m => m.Value.ToLowerInvariant()).Distinct(StringComparer.Ordinal)];

    [System.Text.RegularExpressions.GeneratedRegex(@"\b[0-9A-Fa-f]{64}\b")]
    private static partial System.Text.RegularExpressions.Regex Sha256Word();

    /// <summary>Distinct lowercase hex SHA-256 in the caller's order; blank entries are skipped.</summary>
    public static List<string> Normalize(IReadOnlyList<string>? sha256s)
    {
        var bad = new List<string>();
        var hashes = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in sha256s ?? [])
        {
            var hash = (raw ?? "").Trim().ToLowerInvariant();
            if (hash.Length == 0)
            {
                continue;
            }
            if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
            {
                bad.Add(hash.Length > 80 ? hash[..80] + "…" : hash);
            }
            else if (seen.Add(hash))
            {
                hashes.Add(hash);
            }
        }
        InvalidRequestException.ThrowIfAny(
            bad.Count > 0 ? string.Create(CultureInfo.InvariantCulture,
                $"{bad.Count} entries are not SHA-256 (64 hex digits): {string.Join(", ", bad.Take(10))}.") : null,
            hashes.Count == 0 && bad.Count == 0 ? "Name at least one SHA-256 in 'sha256'." : null,
            hashes.Count > MaxHashes ? $"A hunt names at most {MaxHashes} hashes, not {hashes.Count}." : null);
        return hashes;
    }
}
