using System.Collections.Concurrent;
using Lightshield.Agent.Actions;
using Lightshield.Agent.Index;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Policies;

namespace Lightshield.Agent.Hunts;

/// <summary>
/// Carries out a tenant's "quarantine them all" on a hunt (decision 41). The center names paths and SHA-256, but the
/// agent trusts only its own index: a file is quarantined when the index holds that hash for that path and the file's
/// identity (device, inode, size, mtime, ctime) is still the one the agent hashed, through the same vault path as a
/// detection, which opens the entry without following links and checks that identity again on the descriptor it moves.
/// Anything else (changed, gone, never indexed, another hash) is left alone and logged. Carried-out orders are reported
/// with the next sync; after a restart the center sends an unreported order again, and files already moved are gone.
/// </summary>
public sealed partial class HuntQuarantines(FileIndex index, DetectionActions actions, ILogger<HuntQuarantines> logger)
{
    private readonly ConcurrentDictionary<string, bool> _done = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _reported = new(StringComparer.Ordinal);

    /// <summary>Hunt ids whose order was carried out and not yet reported.</summary>
    public IReadOnlyList<string> Unreported => [.. _done.Keys];

    /// <summary>The center received these reports.</summary>
    public void MarkReported(IEnumerable<string> huntIds)
    {
        ArgumentNullException.ThrowIfNull(huntIds);
        foreach (var id in huntIds)
        {
            _done.TryRemove(id, out _);
            _reported[id] = true;
        }
    }

    /// <summary>Carries out the orders not carried out yet; true when there is something new to report.</summary>
    public async Task<bool> ExecuteAsync(IEnumerable<HuntQuarantineOrder> orders, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orders);
        var added = false;
        foreach (var order in orders)
        {
            if (_done.ContainsKey(order.HuntId) || _reported.ContainsKey(order.HuntId))
            {
                continue;
            }
            var known = await index.FindAsync([.. order.Files.Select(f => f.Path).Distinct(StringComparer.Ordinal)], cancellationToken);
            var quarantined = 0;
            foreach (var file in order.Files)
            {
                var hash = file.Sha256.Length == 32 ? Convert.ToHexStringLower(file.Sha256.Span) : "";
                if (!known.TryGetValue(file.Path, out var entry) || entry.Key.Sha256Hex() != hash
                    || DetectedFile.CurrentIdentity(file.Path) != entry.Identity)
                {
                    LogLeft(logger, order.HuntId, file.Path);
                    continue;
                }
                var taken = await actions.ApplyAsync(new DetectedFile(file.Path, entry.Identity, [$"Lightshield.Hunt.{order.HuntId}"], hash,
                    entry.DatabaseVersion, "hunt"), DetectionAction.Quarantine, cancellationToken);
                quarantined += taken == "quarantined" ? 1 : 0;
            }
            LogCarriedOut(logger, order.HuntId, order.Files.Count, quarantined);
            _done[order.HuntId] = true;
            added = true;
        }
        return added;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Hunt {HuntId}: quarantine order for {Files} files, {Quarantined} quarantined")]
    private static partial void LogCarriedOut(ILogger logger, string huntId, int files, int quarantined);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hunt {HuntId}: {Path} is not quarantined: it is no longer the indexed file with the hunted hash")]
    private static partial void LogLeft(ILogger logger, string huntId, string path);
}
