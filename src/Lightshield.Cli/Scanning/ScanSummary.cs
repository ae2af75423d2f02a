using Lightshield.Verdicts;

namespace Lightshield.Cli.Scanning;

/// <summary>Totals of a scan run, for the summary block, the JSON report and the exit code.</summary>
public sealed class ScanSummary
{
    public int Files { get; private set; }

    public int Infected { get; private set; }

    public int Errors { get; private set; }

    public int LimitExceeded { get; private set; }

    public int FromCache { get; private set; }

    public long Bytes { get; private set; }

    public void Add(FileScanResult result)
    {
        Files++;
        Bytes += result.Size;
        if (result.IsInfected)
        {
            Infected++;
        }
        else if (result.IsError)
        {
            Errors++;
        }
        else if (result.Verdict?.Kind == VerdictKind.LimitExceeded)
        {
            LimitExceeded++;
        }
        if (result.Cached)
        {
            FromCache++;
        }
    }

    /// <summary>1 when anything was found; else 2 when a file could not be (fully) scanned; else 0.</summary>
    public int ExitCode => Infected > 0 ? ExitCodes.Found : Errors + LimitExceeded > 0 ? ExitCodes.Error : ExitCodes.Clean;
}
