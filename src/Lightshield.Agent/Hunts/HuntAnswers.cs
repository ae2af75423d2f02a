using System.Collections.Concurrent;
using Google.Protobuf;
using Lightshield.Agent.Jobs;
using Lightshield.Protocol.Center;

namespace Lightshield.Agent.Hunts;

/// <summary>
/// The agent's side of the center's hunts (decision 32): each hunt order is matched against the local index once, and
/// its answer goes with the next sync until one succeeds. Nothing is kept on disk: the center sends a hunt with every
/// sync until it has the answer, so after a restart the hunt comes again and is answered again (the center keeps the
/// first answer).
/// </summary>
public sealed partial class HuntAnswers(LocalHashHunt hunt, JobQueue queue, ILogger<HuntAnswers> logger)
{
    /// <summary>The job-queue task kind of a retro-hunt's rescan.</summary>
    public const string RescanKind = "hunt-rescan";

    private readonly ConcurrentDictionary<string, HuntReport> _unsent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _answered = new(StringComparer.Ordinal);

    /// <summary>Answers still to be sent.</summary>
    public IReadOnlyList<HuntReport> Unsent => [.. _unsent.Values];

    /// <summary>The center received these answers.</summary>
    public void MarkSent(IEnumerable<HuntReport> reports)
    {
        foreach (var report in reports)
        {
            _unsent.TryRemove(report.HuntId, out _);
            _answered[report.HuntId] = true;
        }
    }

    /// <summary>Matches the orders not answered yet; true when there is a new answer to send.</summary>
    public async Task<bool> AnswerAsync(IEnumerable<HuntOrder> orders, CancellationToken cancellationToken)
    {
        var added = false;
        foreach (var order in orders)
        {
            if (_answered.ContainsKey(order.HuntId) || _unsent.ContainsKey(order.HuntId))
            {
                continue;
            }
            var report = new HuntReport { HuntId = order.HuntId };
            try
            {
                var matches = await hunt.MatchAsync([.. order.Sha256.Select(h => h.ToByteArray())], cancellationToken);
                report.Matches.AddRange(matches.Take(1000).Select(m => new HuntFileMatch
                {
                    Path = m.Path,
                    Sha256 = ByteString.CopyFrom(Convert.FromHexString(m.Sha256Hex)),
                    Size = m.Size,
                    LastScannedUnixMs = m.LastScannedAt.ToUnixTimeMilliseconds(),
                    State = (Protocol.Center.HuntFileState)(int)m.State,
                }));
                LogAnswered(logger, order.HuntId, order.Sha256.Count, matches.Count);
                if (order.RescanMatches)
                {
                    await RescanAsync(order.HuntId, matches, cancellationToken);
                }
            }
            catch (ArgumentException exception)
            {
                LogRefused(logger, order.HuntId, exception.Message); // answered with no match: the center's hunt was malformed
            }
            _unsent[order.HuntId] = report;
            added = true;
        }
        return added;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hunt {HuntId} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string huntId, string reason);
}
