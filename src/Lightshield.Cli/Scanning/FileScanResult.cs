using Lightshield.Verdicts;

namespace Lightshield.Cli.Scanning;

/// <summary>The outcome for one path: a verdict, or an error that kept it from getting one.</summary>
public sealed record FileScanResult(string Path, long Size, Verdict? Verdict, string? Error, bool Cached, bool Uploaded)
{
    public bool IsInfected => Verdict?.Kind == VerdictKind.Infected;

    public bool IsError => Error is not null || Verdict?.Kind == VerdictKind.Error;
}
