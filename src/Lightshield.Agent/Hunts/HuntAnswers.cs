using System.Collections.Concurrent;
using Google.Protobuf;
using Lightshield.Agent.Jobs;
using Lightshield.Protocol.Center;

namespace Lightshield.Agent.Hunts;

/// <summary>
/// The agent's side of the center's hunts (decision 32): each hunt order is matched against the local index once, and
/// its answer goes with the next sync until one succeeds. Nothing is kept on disk: the center sends a hunt with every
/// sync until it has the answer, so after a restart the hunt comes again and is answered again (the center keeps the
/// first answer). A hunt sent as a prefix filter (decision 53) is matched in two steps: the rows that pass the filter are
/// candidates, the center is asked for the hunted hashes with their prefixes (next sync, a second later), and only the
/// candidates whose full SHA-256 is one of those are reported.
/// </summary>
public sealed partial class HuntAnswers(LocalHashHunt hunt, JobQueue queue, ILogger<HuntAnswers> logger)
{
    /// <summary>The job-queue task kind of a retro-hunt's rescan.</summary>
    public const string RescanKind = "hunt-rescan";

    private readonly ConcurrentDictionary<string, HuntReport> _unsent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _answered = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Unconfirmed> _unconfirmed = new(StringComparer.Ordinal);

    /// <summary>Answers still to be sent.</summary>
    public IReadOnlyList<HuntReport> Unsent => [.. _unsent.Values];

    /// <summary>Candidates to ask the center about, until it confirms them.</summary>
    public IReadOnlyList<HuntCandidates> Candidates =>
        [.. _unconfirmed.Select(u => new HuntCandidates { HuntId = u.Key, Sha256Prefixes = u.Value.Prefixes })];

    /// <summary>The center received these answers.</summary>
    public void MarkSent(IEnumerable<HuntReport> reports)
    {
        foreach (var report in reports)
        {
            _unsent.TryRemove(report.HuntId, out _);
            _answered[report.HuntId] = true;
        }
    }

    /// <summary>The center does not know these hunts (the agent moved to another center mid-hunt, decision 68): their
    /// unconfirmed candidates and unsent answers are forgotten, so they stop riding on every sync.</summary>
    public void Forget(IEnumerable<string> huntIds)
    {
        ArgumentNullException.ThrowIfNull(huntIds);
        foreach (var id in huntIds)
        {
            if (_unconfirmed.TryRemove(id, out _) | _unsent.TryRemove(id, out _))
            {
                LogForgotten(logger, id);
            }
        }
    }

    /// <summary>Matches the orders not answered yet and settles the candidates the center confirmed; true when there is a new
    /// answer or a question to send.</summary>
    public async Task<bool> AnswerAsync(IEnumerable<HuntOrder> orders, IEnumerable<HuntOrder> confirmations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(confirmations);
        var added = false;
        foreach (var confirmation in confirmations)
        {
            if (_unconfirmed.TryRemove(confirmation.HuntId, out var unconfirmed))
            {
                var hunted = confirmation.Sha256.Select(h => Convert.ToHexStringLower(h.Span)).ToHashSet(StringComparer.Ordinal);
                await ReportAsync(confirmation.HuntId, unconfirmed.Rescan, confirmation.Sha256.Count,
                    [.. unconfirmed.Candidates.Where(c => hunted.Contains(c.Sha256Hex))], cancellationToken);
                added = true;
            }
        }
        foreach (var order in orders)
        {
            if (_answered.ContainsKey(order.HuntId) || _unsent.ContainsKey(order.HuntId) || _unconfirmed.ContainsKey(order.HuntId))
            {
                continue;
            }
            try
            {
                if (order.Sha256Prefixes.Length > 0)
                {
                    var candidates = await hunt.CandidatesAsync(order.Sha256Prefixes.Memory, cancellationToken);
                    if (candidates.Count > 0)
                    {
                        _unconfirmed[order.HuntId] = new Unconfirmed(candidates, order.RescanMatches,
                            HuntPrefixes.Encode(candidates.Take(HuntPrefixes.MaxCandidates).Select(c => HuntPrefixes.Of(Convert.FromHexString(c.Sha256Hex)))));
                        LogCandidates(logger, order.HuntId, candidates.Count);
                    }
                    else
                    {
                        await ReportAsync(order.HuntId, order.RescanMatches, order.Sha256Prefixes.Length / HuntPrefixes.Length, [], cancellationToken);
                    }
                }
                else
                {
                    var matches = await hunt.MatchAsync([.. order.Sha256.Select(h => h.ToByteArray())], cancellationToken);
                    await ReportAsync(order.HuntId, order.RescanMatches, order.Sha256.Count, matches, cancellationToken);
                }
            }
            catch (ArgumentException exception)
            {
                LogRefused(logger, order.HuntId, exception.Message); // answered with no match: the center's hunt was malformed
                _unsent[order.HuntId] = new HuntReport { HuntId = order.HuntId };
            }
            added = true;
        }
        return added;
    }

    private async Task ReportAsync(string huntId, bool rescan, int hashes, IReadOnlyList<HuntMatch> matches, CancellationToken cancellationToken)
    {
        var report = new HuntReport { HuntId = huntId };
        report.Matches.AddRange(matches.Take(1000).Select(m => new HuntFileMatch
        {
            Path = m.Path,
            Sha256 = ByteString.CopyFrom(Convert.FromHexString(m.Sha256Hex)),
            Size = m.Size,
            LastScannedUnixMs = m.LastScannedAt.ToUnixTimeMilliseconds(),
            State = (Protocol.Center.HuntFileState)(int)m.State,
        }));
        LogAnswered(logger, huntId, hashes, matches.Count);
        if (rescan)
        {
            await RescanAsync(huntId, matches, cancellationToken);
        }
        _unsent[huntId] = report;
    }

    /// <summary>A retro-hunt's files still on disk go through the ordinary scan path, as one task of the job queue (kept
    /// on disk, so a restart does not lose it; queued once per hunt): the scan server's verdict decides, and the policy's
    /// action for on-demand detections runs. Files whose identity changed are scanned too: their content is what counts.</summary>
    private async Task RescanAsync(string huntId, IReadOnlyList<HuntMatch> matches, CancellationToken cancellationToken)
    {
        var paths = matches.Where(m => m.State != HuntFileState.Gone).Select(m => m.Path).Distinct(StringComparer.Ordinal).ToList();
        if (paths.Count > 0 && await queue.CreateTaskAsync($"hunt-{huntId}", RescanKind, JobPriority.OnDemand, paths, force: false, cancellationToken))
        {
            LogRescan(logger, huntId, paths.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retro-hunt {HuntId}: {Files} files still held are scanned again")]
    private static partial void LogRescan(ILogger logger, string huntId, int files);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hunt {HuntId}: {Hashes} hashes matched {Matches} files of the local index")]
    private static partial void LogAnswered(ILogger logger, string huntId, int hashes, int matches);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hunt {HuntId}: {Candidates} files of the local index pass its prefix filter; asking the center for their full hashes")]
    private static partial void LogCandidates(ILogger logger, string huntId, int candidates);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hunt {HuntId} is unknown to the center: its candidates and answer are forgotten")]
    private static partial void LogForgotten(ILogger logger, string huntId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hunt {HuntId} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string huntId, string reason);

    /// <summary>A hunt's candidates waiting for the center's full hashes, and the prefixes asked about.</summary>
    private sealed record Unconfirmed(IReadOnlyList<HuntMatch> Candidates, bool Rescan, ByteString Prefixes);
}
