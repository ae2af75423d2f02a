using Google.Protobuf;
using Grpc.Core;
using Lightshield.Center.Persistence;
using Lightshield.Protocol.Center;
using Microsoft.EntityFrameworkCore;
using Wire = Lightshield.Protocol.Center;

namespace Lightshield.Center.Hunts;

/// <summary>The agent's side of hunts, in the agent's tenant scope: unanswered hunts go out with every sync answer, and
/// the agent's reports are recorded once per (hunt, agent). A malformed report refuses the sync: no agent sends one. A
/// report, candidate or carried-out order for a hunt that was never sent to this agent (another agent's, another tenant's,
/// made up, or a hunt of the center the agent left) is dropped alone, logged, and named back to the agent as unknown, so
/// that it forgets it while the rest of the sync proceeds (decision 68). A hunt goes out as
/// its prefix filter, and the agent's candidates are confirmed with the full hashes (decision 53), both from the hunt's
/// list decoded once per process (<see cref="HuntHashLists"/>).</summary>
public sealed partial class AgentHuntFeed(CenterDbContext db, TimeProvider time, HuntHashLists lists, ILogger<AgentHuntFeed> logger)
{
    public const int MaxHuntsPerSync = 5;
    public const int MaxMatchesPerReport = 1000;

    /// <summary>Records the answers; the ids of hunts never sent to this agent go to <paramref name="unknown"/>.</summary>
    public async Task RecordAsync(Guid agentId, IReadOnlyList<Wire.HuntReport> reports, ISet<string> unknown, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unknown);
        if (reports.Count == 0)
        {
            return;
        }
        var problems = new List<string>();
        var ids = new List<Guid>();
        foreach (var report in reports)
        {
            if (!Guid.TryParse(report.HuntId, out var id))
            {
                problems.Add($"hunt id '{Fit(report.HuntId)}' is not a hunt id");
            }
            else
            {
                ids.Add(id);
            }
            if (report.Matches.Count > MaxMatchesPerReport)
            {
                problems.Add($"hunt {Fit(report.HuntId)}: {report.Matches.Count} matches, at most {MaxMatchesPerReport}");
            }
            foreach (var match in report.Matches)
            {
                if (match.Sha256.Length != 32 || match.Path.Length is 0 or > 4096 || match.State is Wire.HuntFileState.Unspecified
                    || !Enum.IsDefined(match.State) || match.Size < 0)
                {
                    problems.Add($"hunt {Fit(report.HuntId)}: a match no agent could report");
                    break;
                }
            }
        }
        if (problems.Count > 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"hunt reports refused: {string.Join("; ", problems)}"));
        }
        var runs = await db.AgentHuntRuns.Where(r => r.AgentId == agentId && ids.Contains(r.HuntId) && r.SentAt != null).ToDictionaryAsync(r => r.HuntId, cancellationToken);
        Drop(agentId, ids.Where(id => !runs.ContainsKey(id)), "report", unknown);
        var now = time.GetUtcNow();
        foreach (var report in reports)
        {
            if (!runs.TryGetValue(Guid.Parse(report.HuntId), out var run))
            {
                continue;
            }
            if (run.AnsweredAt is not null)
            {
                continue; // answered already (the agent sent it again before it saw this sync's answer)
            }
            var hunted = await ListAsync(run.HuntId, cancellationToken);
            var matches = report.Matches.Where(m => hunted.Contains(m.Sha256.Span)).ToList();
            run.AnsweredAt = now;
            run.MatchCount = matches.Count;
            foreach (var match in matches)
            {
                db.HuntMatches.Add(new HuntMatchRecord
                {
                    Id = Guid.NewGuid(),
                    HuntId = run.HuntId,
                    AgentId = agentId,
                    Path = match.Path,
                    Sha256 = Convert.ToHexStringLower(match.Sha256.Span),
                    Size = match.Size,
                    LastScannedAt = DateTimeOffset.FromUnixTimeMilliseconds(match.LastScannedUnixMs),
                    State = (HuntFileState)(int)match.State,
                });
            }
        }
    }

    /// <summary>The hunts <paramref name="agentId"/> has not answered yet, oldest first; marked sent.</summary>
    public async Task<IReadOnlyList<Wire.HuntOrder>> PendingAsync(Guid agentId, CancellationToken cancellationToken)
    {
        var pending = await db.AgentHuntRuns.Where(r => r.AgentId == agentId && r.AnsweredAt == null)
            .Join(db.Hunts, r => r.HuntId, h => h.Id, (r, h) => new { Run = r, h.Kind, h.CreatedAt })
            .OrderBy(p => p.CreatedAt).Take(MaxHuntsPerSync).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var orders = new List<Wire.HuntOrder>(pending.Count);
        // Tracked runs: one this sync's reports just answered (not saved yet) is not sent again.
        foreach (var item in pending.Where(p => p.Run.AnsweredAt is null))
        {
            item.Run.SentAt ??= now;
            var list = await ListAsync(item.Run.HuntId, cancellationToken);
            orders.Add(new Wire.HuntOrder { HuntId = item.Run.HuntId.ToString(), RescanMatches = item.Kind == HuntKind.Retro, Sha256Prefixes = list.Prefixes });
        }
        return orders;
    }

    /// <summary>Confirms an agent's candidates (decision 53): per hunt, the hunted hashes that start with the prefixes it asks
    /// about. At most <see cref="HuntPrefixes.MaxCandidates"/> prefixes each, else the sync is refused; candidates of hunts
    /// never sent to this agent are dropped and their ids go to <paramref name="unknown"/>.</summary>
    public async Task<IReadOnlyList<Wire.HuntOrder>> ConfirmAsync(Guid agentId, IReadOnlyList<Wire.HuntCandidates> candidates, ISet<string> unknown,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unknown);
        if (candidates.Count == 0)
        {
            return [];
        }
        var problems = new List<string>();
        var asked = new List<(Guid HuntId, HashSet<ulong> Prefixes)>();
        if (candidates.Count > MaxHuntsPerSync)
        {
            problems.Add($"{candidates.Count} hunts' candidates, at most {MaxHuntsPerSync}");
        }
        foreach (var candidate in candidates)
        {
            try
            {
                asked.Add((Guid.TryParse(candidate.HuntId, out var id) ? id : throw new ArgumentException($"'{Fit(candidate.HuntId)}' is not a hunt id"),
                    HuntPrefixes.Decode(candidate.Sha256Prefixes.Span, HuntPrefixes.MaxCandidates)));
            }
            catch (ArgumentException exception)
            {
                problems.Add($"hunt {Fit(candidate.HuntId)}: {exception.Message}");
            }
        }
        if (problems.Count > 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"hunt candidates refused: {string.Join("; ", problems)}"));
        }
        var ids = asked.Select(a => a.HuntId).ToList();
        var sent = (await db.AgentHuntRuns.Where(r => r.AgentId == agentId && ids.Contains(r.HuntId) && r.SentAt != null).Select(r => r.HuntId)
            .ToListAsync(cancellationToken)).ToHashSet();
        Drop(agentId, ids.Where(id => !sent.Contains(id)), "candidates", unknown);
        var confirmations = new List<Wire.HuntOrder>(asked.Count);
        foreach (var (huntId, prefixes) in asked.Where(a => sent.Contains(a.HuntId)))
        {
            var confirmation = new Wire.HuntOrder { HuntId = huntId.ToString() };
            confirmation.Sha256.AddRange((await ListAsync(huntId, cancellationToken)).WithPrefixes(prefixes));
            confirmations.Add(confirmation);
        }
        return confirmations;
    }

    /// <summary>Records the quarantine orders <paramref name="agentId"/> carried out; an id that is not a hunt id refuses
    /// the sync, and one of a hunt whose matches this agent was never asked to quarantine is dropped into
    /// <paramref name="unknown"/>, like a report of a hunt never sent.</summary>
    public async Task RecordQuarantinesDoneAsync(Guid agentId, IReadOnlyList<string> huntIds, ISet<string> unknown, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unknown);
        if (huntIds.Count == 0)
        {
            return;
        }
        if (huntIds.Count > MaxMatchesPerReport || huntIds.Any(h => !Guid.TryParse(h, out _)))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"hunt quarantines refused: at most {MaxMatchesPerReport} hunt ids, each a hunt id"));
        }
        var ids = huntIds.Select(Guid.Parse).ToList();
        var runs = await db.AgentHuntRuns.Where(r => r.AgentId == agentId && ids.Contains(r.HuntId) && r.QuarantineRequestedAt != null)
            .ToListAsync(cancellationToken);
        Drop(agentId, ids.Where(id => !runs.Any(r => r.HuntId == id)), "quarantines-done", unknown);
        var now = time.GetUtcNow();
        foreach (var run in runs.Where(r => r.QuarantineDoneAt is null))
        {
            run.QuarantineDoneAt = now;
        }
    }

    /// <summary>The quarantine orders <paramref name="agentId"/> has not carried out yet: per hunt, the files it reported
    /// that were not gone.</summary>
    public async Task<IReadOnlyList<Wire.HuntQuarantineOrder>> PendingQuarantinesAsync(Guid agentId, CancellationToken cancellationToken)
    {
        // Tracked runs: one this sync just reported done (not saved yet) is not sent again.
        var huntIds = (await db.AgentHuntRuns.Where(r => r.AgentId == agentId && r.QuarantineRequestedAt != null && r.QuarantineDoneAt == null)
            .OrderBy(r => r.QuarantineRequestedAt).Take(MaxHuntsPerSync).ToListAsync(cancellationToken))
            .Where(r => r.QuarantineDoneAt is null).Select(r => r.HuntId).ToList();
        if (huntIds.Count == 0)
        {
            return [];
        }
        var matches = await db.HuntMatches.AsNoTracking()
            .Where(m => m.AgentId == agentId && huntIds.Contains(m.HuntId) && m.State != HuntFileState.Gone).ToListAsync(cancellationToken);
        return [.. huntIds.Select(id =>
        {
            var order = new Wire.HuntQuarantineOrder { HuntId = id.ToString() };
            order.Files.AddRange(matches.Where(m => m.HuntId == id).Take(MaxMatchesPerReport)
                .Select(m => new Wire.HuntQuarantineFile { Path = m.Path, Sha256 = ByteString.CopyFrom(Convert.FromHexString(m.Sha256)) }));
            return order;
        })];
    }

    /// <summary>A hunt of the caller's tenant (the scoped query), decoded once per process.</summary>
    private Task<HuntHashList> ListAsync(Guid huntId, CancellationToken cancellationToken) =>
        lists.GetAsync(huntId, () => db.Hunts.Where(h => h.Id == huntId).Select(h => h.Hashes).SingleAsync(cancellationToken));

    private void Drop(Guid agentId, IEnumerable<Guid> huntIds, string item, ISet<string> unknown)
    {
        foreach (var id in huntIds.Distinct())
        {
            if (unknown.Add(id.ToString()))
            {
                LogUnknownHunt(logger, agentId, item, id);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId} sent hunt {Item} for hunt {HuntId}, which this center never sent it: dropped, and the agent is told to forget the hunt")]
    private static partial void LogUnknownHunt(ILogger logger, Guid agentId, string item, Guid huntId);

    private static string Fit(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
