using Lightshield.Agent.Index;
using Lightshield.Verdicts;

namespace Lightshield.Agent.Scanning;

/// <summary>The outcome for one file of a batch: a verdict (or an error), how it was obtained, and the index
/// entry to remember. <paramref name="IndexUnchanged"/>: the index already holds exactly <paramref name="IndexEntry"/>
/// (an unchanged file with the same verdict), so it need not be written again.</summary>
public sealed record FileVerdict(string Path, Verdict? Verdict, string? Error, long BytesRead, bool Uploaded, FileIndexEntry? IndexEntry,
    bool IndexUnchanged = false)
{
    public bool IsInfected => Verdict?.Kind == VerdictKind.Infected;

    public bool IsError => Error is not null || Verdict?.Kind == VerdictKind.Error;
}
