namespace Lightshield.Verdicts;

/// <summary>What one tier found for one key.</summary>
internal enum LookupOutcome
{
    Miss,
    Hit,
    Stale,
}
