using Lightshield.Center.Health;
using Lightshield.Protocol.Policies;

namespace Lightshield.Center.Tests.Health;

public sealed class HealthEvaluationTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static AgentHealth Report(Action<AgentHealth>? change = null)
    {
        var report = new AgentHealth
        {
            ReportedAt = Now,
            OnAccessConfigured = true,
            OnAccessActive = true,
            LastFullScanAt = Now.AddDays(-1),
            DatabaseAgeSeconds = 3600,
            FailedUnitsCount = 0,
            ClockSkewMs = 0,
            PendingSecurityUpdates = 0,
        };
        change?.Invoke(report);
        return report;
    }

    private static HealthAssessment Evaluate(AgentHealth? report, HealthThresholds? thresholds = null, params FileSystemHealth[] fileSystems) =>
        HealthEvaluation.Evaluate(new HealthFacts(Now.AddDays(-30), Now, report, fileSystems), thresholds ?? new HealthThresholds(), Now);

    [Fact]
    public void A_healthy_report_is_green_without_reasons()
    {
        var assessment = Evaluate(Report(), null, new FileSystemHealth("/", "ext4", 100, 50));
        Assert.Equal(HealthLevel.Green, assessment.Level);
        Assert.Empty(assessment.Reasons);
    }

    [Theory]
    [InlineData(6, HealthLevel.Green)]
    [InlineData(8, HealthLevel.Amber)]
    [InlineData(15, HealthLevel.Red)]
    public void Full_scan_age_is_amber_after_7_days_and_red_after_14(int days, HealthLevel expected) =>
        Assert.Equal(expected, Evaluate(Report(r => r.LastFullScanAt = Now.AddDays(-days))).Level);

    [Fact]
    public void An_agent_that_never_ran_a_full_scan_is_judged_from_its_enrolment() =>
        Assert.Equal("no full scan since enrolment 30 d ago", Evaluate(Report(r => r.LastFullScanAt = null)).Reasons.Single().Message);

    [Theory]
    [InlineData(20, HealthLevel.Green)]
    [InlineData(25, HealthLevel.Amber)]
    [InlineData(73, HealthLevel.Red)]
    public void Signature_age_is_amber_after_a_day_and_red_after_three(int hours, HealthLevel expected) =>
        Assert.Equal(expected, Evaluate(Report(r => r.DatabaseAgeSeconds = hours * 3600L)).Level);

    [Theory]
    [InlineData(11, HealthLevel.Green)]
    [InlineData(9, HealthLevel.Amber)]
    [InlineData(4, HealthLevel.Red)]
    public void The_fullest_file_system_decides_disk_amber_under_10_percent_red_under_5(int freePercent, HealthLevel expected)
    {
        var assessment = Evaluate(Report(), null, new FileSystemHealth("/", "ext4", 100, 60), new FileSystemHealth("/data", "xfs", 100, freePercent));
        Assert.Equal(expected, assessment.Level);
        Assert.All(assessment.Reasons, r => Assert.StartsWith("/data has", r.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(29_000, HealthLevel.Green)]
    [InlineData(-31_000, HealthLevel.Amber)]
    [InlineData(121_000, HealthLevel.Red)]
    public void Clock_skew_either_way_is_amber_over_30_s_and_red_over_120(long skewMs, HealthLevel expected) =>
        Assert.Equal(expected, Evaluate(Report(r => r.ClockSkewMs = skewMs)).Level);

    [Fact]
    public void Failed_units_a_pending_reboot_and_security_updates_are_amber_on_access_off_is_red()
    {
        var amber = Evaluate(Report(r =>
        {
            r.FailedUnitsCount = 2;
            r.FailedUnitsJson = """["a.service","b.service"]""";
            r.RebootRequired = true;
            r.PendingSecurityUpdates = 4;
        }));
        Assert.Equal(HealthLevel.Amber, amber.Level);
        Assert.Equal(["failed-units", "reboot", "updates"], amber.Reasons.Select(r => r.Check).Order(StringComparer.Ordinal));
        Assert.Contains("a.service, b.service", amber.Reasons.Single(r => r.Check == "failed-units").Message, StringComparison.Ordinal);

        var red = Evaluate(Report(r => { r.OnAccessActive = false; r.OnAccessFailure = "no fanotify"; r.RebootRequired = true; }));
        Assert.Equal(HealthLevel.Red, red.Level);
        Assert.Equal("on-access", red.Reasons[0].Check); // worst first
        Assert.Contains("no fanotify", red.Reasons[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Thresholds_are_policy_a_zero_turns_a_check_off_and_a_level_can_be_lowered()
    {
        var thresholds = new HealthThresholds
        {
            FullScanAmberDays = 0,
            FullScanRedDays = 0,
            RebootRequired = HealthLevel.Green,
            OnAccessOff = HealthLevel.Amber,
            MemoryScanAmberDays = 1,
        };
        var assessment = Evaluate(Report(r => { r.LastFullScanAt = null; r.RebootRequired = true; r.OnAccessConfigured = false; r.LastMemoryScanAt = Now.AddDays(-2); }),
            thresholds);
        Assert.Equal(HealthLevel.Amber, assessment.Level);
        Assert.Equal(["memory-scan", "on-access"], assessment.Reasons.Select(r => r.Check).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void No_report_yet_is_amber_and_a_silent_agent_turns_red_after_a_day()
    {
        Assert.Equal("no health report yet", Evaluate(null).Reasons.Single().Message);
        var silent = HealthEvaluation.Evaluate(new HealthFacts(Now.AddDays(-30), Now.AddDays(-2), Report(), []), new HealthThresholds(), Now);
        Assert.Equal(HealthLevel.Red, silent.Level);
        Assert.Equal("no contact for 2 d", silent.Reasons.Single().Message);
    }

    [Fact]
    public void Threshold_validation_returns_every_problem_at_once()
    {
        var errors = new HealthThresholds
        {
            FullScanAmberDays = 20,
            FullScanRedDays = 10,
            DiskFreeAmberPercent = 101,
            ClockSkewRedSeconds = -1,
            FailedUnits = (HealthLevel)7,
        }.Validate();
        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.Contains("fullScanAmberDays (20) must not be above", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("diskFreeAmberPercent", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("clockSkew", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("failedUnits", StringComparison.Ordinal));
        Assert.Empty(new HealthThresholds().Validate());
    }

    [Fact]
    public void Health_levels_keep_their_numbers() =>
        Assert.Equal([0, 1, 2], new[] { HealthLevel.Green, HealthLevel.Amber, HealthLevel.Red }.Select(l => (int)l));
}
