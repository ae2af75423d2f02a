using Lightshield.Agent.Actions;
using Lightshield.Agent.Index;
using Lightshield.Agent.Scanning;
using Lightshield.Client.Files;
using Lightshield.Protocol.Policies;
using Lightshield.Verdicts;
using Priority = Lightshield.Protocol.Scan.Priority;

namespace Lightshield.Agent.OnAccess;

/// <summary>The agent's answers to the guard: the scan path (DESIGN "The scan path") at on-access priority. An
/// unchanged file is answered from the local index (its hot entries in memory, <see cref="FileIndexMemory"/>) without a
/// read or a network call; any other file is read once,
/// looked up and, if the site has never seen it, uploaded. Infected files are handed to <paramref name="detected"/>
/// (once per file version; again if it could not take it) for the configured action, which also decides whether the open is denied.
/// A file whose scan stopped at a limit (too large, too deep: not fully scanned) has its own policy: reported to
/// <paramref name="limitExceeded"/> once per file version, and allowed unless <paramref name="denyLimitExceeded"/> says
/// its path is one where such files are denied.</summary>
internal sealed class OnAccessDecider(FileIndex index, FileBatchScanner scanner, Func<DetectionAction> action, Func<DetectedFile, bool> detected,
    Func<string, bool>? denyLimitExceeded = null, Action<DetectedFile>? limitExceeded = null)
{
    private const int MaxRemembered = 10_000;
    private readonly Dictionary<string, FileIdentity> _reported = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileIdentity> _reportedLimits = new(StringComparer.Ordinal);

    /// <summary>Decides one intercepted open. Throws <see cref="OnAccessScanException"/> when no verdict could be had,
    /// so that the guard applies the path's fail policy.</summary>
    public async ValueTask<AccessDecision> DecideAsync(OnAccessRequest request, CancellationToken cancellationToken)
    {
        if (!UnixFileStatus.TryGet(request.File, out var status))
        {
            throw new OnAccessScanException($"cannot fstat {request.Path}");
        }
        if (status.Type != UnixFileType.Regular || status.Size == 0)
        {
            return AccessDecision.Allow; // nothing to scan: an empty file (as created by O_CREAT) holds no threat
        }
        var identity = FileIdentity.From(status);
        if (await index.FindCurrentAsync(request.Path, identity, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            return entry.Verdict switch
            {
                VerdictKind.Infected => Infected(ToDetection(entry, "on-access", request.ProcessId, request.ProcessName)),
                VerdictKind.LimitExceeded => LimitExceeded(ToDetection(entry, "on-access", request.ProcessId, request.ProcessName)),
                _ => AccessDecision.Allow,
            };
        }
        // The event's own descriptor is read, not the path: a file renamed over the path after the open cannot stand in
        // for the one being opened, and the verdict (and index entry) belong to that inode.
        var verdict = await scanner.ScanOpenedAsync(request.Path, request.File, Priority.OnAccess, cancellationToken).ConfigureAwait(false);
        if (verdict.IndexEntry is { } scanned)
        {
            await index.RecordAsync(scanned, CancellationToken.None).ConfigureAwait(false);
            if (verdict.IsInfected)
            {
                return Infected(ToDetection(scanned, "on-access", request.ProcessId, request.ProcessName));
            }
            if (verdict.Verdict?.Kind == VerdictKind.LimitExceeded)
            {
                return LimitExceeded(ToDetection(scanned, "on-access", request.ProcessId, request.ProcessName));
            }
        }
        return verdict.IsError
            ? throw new OnAccessScanException($"no verdict for {request.Path}: {verdict.Error ?? verdict.Verdict?.Reason}")
            : AccessDecision.Allow;
    }

    /// <summary>Scans a file that was written and closed, records its verdict (so its next open is answered from the
    /// index) and hands an infected file to the action.</summary>
    public async Task ScanClosedFileAsync(string path, CancellationToken cancellationToken)
    {
        var verdict = (await scanner.ScanAsync([path], Priority.OnAccess, cancellationToken).ConfigureAwait(false))[0];
        if (verdict.IndexEntry is { } scanned)
        {
            await index.RecordAsync(scanned, CancellationToken.None).ConfigureAwait(false);
            if (verdict.IsInfected)
            {
                _ = Infected(ToDetection(scanned, "after-close-write", null, null));
            }
        }
    }

    private AccessDecision LimitExceeded(DetectedFile file)
    {
        if (FirstReport(_reportedLimits, file))
        {
            limitExceeded?.Invoke(file);
        }
        return denyLimitExceeded?.Invoke(file.Path) == true ? AccessDecision.Deny : AccessDecision.Allow;
    }

    private static bool FirstReport(Dictionary<string, FileIdentity> reported, DetectedFile file)
    {
        lock (reported)
        {
            if (reported.TryGetValue(file.Path, out var known) && known == file.Identity)
            {
                return false;
            }
            if (reported.Count >= MaxRemembered)
            {
                reported.Clear();
            }
            reported[file.Path] = file.Identity;
            return true;
        }
    }

    private AccessDecision Infected(DetectedFile file)
    {
        if (FirstReport(_reported, file) && !detected(file))
        {
            lock (_reported)
            {
                _reported.Remove(file.Path);
            }
        }
        return action() == DetectionAction.Report ? AccessDecision.Allow : AccessDecision.Deny;
    }

    private static DetectedFile ToDetection(FileIndexEntry entry, string source, int? processId, string? processName) =>
        new(entry.Path, entry.Identity, entry.Names, entry.Key.Sha256Hex(), entry.DatabaseVersion, source, processId, processName);
}
