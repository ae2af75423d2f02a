namespace Lightshield.Testing;

/// <summary>How long a test waits for another component's effect before it fails. A bound, never a pause: a passing
/// test waits only as long as the effect takes.</summary>
public static class Patience
{
    /// <summary>60 s: generous, since the full test run keeps both cores of a small machine busy.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(60);
}
