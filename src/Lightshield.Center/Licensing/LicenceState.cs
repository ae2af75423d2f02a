namespace Lightshield.Center.Licensing;

/// <summary>A tenant's licence state. Persisted as its number: never renumber.</summary>
public enum LicenceState
{
    /// <summary>No genuine licence is in force (never granted, not valid yet, or every one refused as tampered).</summary>
    None = 0,

    /// <summary>A licence is in force and the active vCPUs are within it.</summary>
    Ok = 1,

    /// <summary>A licence is in force (or in its grace period) and the active vCPUs exceed it.</summary>
    OverLicence = 2,

    /// <summary>The licence in force has ended, within the grace period: it still counts, with its vCPUs.</summary>
    Grace = 3,

    /// <summary>The licence in force ended longer than the grace period ago.</summary>
    Expired = 4,
}

/// <summary>Wire names of <see cref="LicenceState"/>: <c>none</c>, <c>ok</c>, <c>over-licence</c>, <c>grace</c>, <c>expired</c>.</summary>
public static class LicenceStates
{
    public static string ToName(this LicenceState state) => state switch
    {
        LicenceState.None => "none",
        LicenceState.Ok => "ok",
        LicenceState.OverLicence => "over-licence",
        LicenceState.Grace => "grace",
        LicenceState.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown licence state."),
    };
}
