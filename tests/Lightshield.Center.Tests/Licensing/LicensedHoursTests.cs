using Lightshield.Center.Billing;
using Lightshield.Center.Licensing;

namespace Lightshield.Center.Tests.Licensing;

/// <summary>Which licence an hour of usage is billed against.</summary>
public sealed class LicensedHoursTests
{
    private static readonly DateTimeOffset Hour = new(2026, 11, 10, 2, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Grace = TimeSpan.FromDays(7);

    [Fact]
    public void A_licence_granted_mid_hour_covers_that_hour()
    {
        IReadOnlyList<TenantLicence> licences = [Licence(1, 2, Hour.AddMinutes(34), Hour.AddDays(30))];

        Assert.Equal(2, UsageReports.LicensedDuring(licences, Hour, Grace));
        Assert.Equal(0, UsageReports.LicensedDuring(licences, Hour.AddHours(-1), Grace));
    }

    [Fact]
    public void A_licence_raised_mid_hour_bills_the_hour_against_the_larger_and_a_lowered_one_against_the_one_in_force_at_its_start()
    {
        IReadOnlyList<TenantLicence> raised = [Licence(2, 8, Hour.AddMinutes(20), Hour.AddDays(30)), Licence(1, 4, Hour.AddDays(-3), Hour.AddDays(30))];
        IReadOnlyList<TenantLicence> lowered = [Licence(2, 2, Hour.AddMinutes(20), Hour.AddDays(30)), Licence(1, 4, Hour.AddDays(-3), Hour.AddDays(30))];

        Assert.Equal(8, UsageReports.LicensedDuring(raised, Hour, Grace));
        Assert.Equal(4, UsageReports.LicensedDuring(lowered, Hour, Grace));
        Assert.Equal(2, UsageReports.LicensedDuring(lowered, Hour.AddHours(1), Grace));
    }

    [Fact]
    public void A_licence_past_its_grace_period_covers_nothing()
    {
        IReadOnlyList<TenantLicence> licences = [Licence(1, 4, Hour.AddDays(-60), Hour.AddDays(-8))];

        Assert.Equal(0, UsageReports.LicensedDuring(licences, Hour, Grace));
        Assert.Equal(4, UsageReports.LicensedDuring(licences, Hour.AddDays(-2), Grace));
    }

    private static TenantLicence Licence(long serial, int vcpus, DateTimeOffset from, DateTimeOffset until) => new()
    {
        Serial = serial,
        Vcpus = vcpus,
        ValidFrom = from,
        ValidUntil = until,
        KeyId = "k",
        Signature = [],
    };
}
