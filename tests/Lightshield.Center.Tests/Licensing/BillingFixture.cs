using Lightshield.Center.Tests.Infrastructure;

namespace Lightshield.Center.Tests.Licensing;

/// <summary>A center whose agents stay present across a day of silence, so a month of presence takes one sync a day;
/// the licence watch (not under test here) stays out of the way of the clock jumps.</summary>
public sealed class BillingFixture<TDatabase> : CenterFixture<TDatabase> where TDatabase : TestDatabase, new()
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Center:Billing:PresenceGap"] = "1.00:00:00",
        ["Center:Licensing:CheckInterval"] = "30.00:00:00",
    };
}
