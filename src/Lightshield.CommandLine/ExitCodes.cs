namespace Lightshield.CommandLine;

/// <summary>clamscan's exit codes, so scripts written for ClamAV keep working.</summary>
public static class ExitCodes
{
    public const int Clean = 0;
    public const int Found = 1;
    public const int Error = 2;

    /// <summary><c>lightshield audit verify</c>: the audit chain is broken.</summary>
    public const int ChainBroken = 1;
}
