namespace Lightshield.Testing.Center;

/// <summary>What <see cref="FakeUpdateGateway"/> does to the files it sends.</summary>
public enum UpdateDamage
{
    None,

    /// <summary>One byte in the middle flipped.</summary>
    Tamper,

    /// <summary>The last five bytes missing.</summary>
    Truncate,
}
