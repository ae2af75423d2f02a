using Lightshield.Protocol.Policies;

namespace Lightshield.Protocol.Tests.Policies;

public sealed class PolicyDocumentTests
{
    [Fact]
    public void Default_IsValidAndRoundTripsThroughJson()
    {
        var policy = new PolicyDocument { Schedules = [new ScanSchedule()] };
        Assert.Empty(policy.Validate());
        var parsed = PolicyJson.Parse(PolicyJson.Serialize(policy));
        Assert.Equal(PolicyJson.Serialize(policy), PolicyJson.Serialize(parsed));
        Assert.Equal("0 2 * * *", parsed.Schedules[0].Cron);
    }

    [Fact]
    public void Json_UsesCamelCaseAndKebabCaseEnumNames()
    {
        var json = PolicyJson.Serialize(new PolicyDocument { InfectedAction = DetectionAction.Delete, Schedules = [new ScanSchedule { Kind = ScheduledScanKind.MemoryScan }] });
        Assert.Contains("\"infectedAction\":\"delete\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"memory-scan\"", json, StringComparison.Ordinal);
        Assert.Contains("\"onAccess\":{", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ListsEveryProblemAtOnce()
    {
        const string json = """
            {"onAccess":{"mode":"sometimes","protectedPaths":["relative/dir"],"decisionTimeoutMilliseconds":0},
             "onDemand":{"paths":[]},
             "maxFileSizeBytes":0,
             "readRateMegabytesPerSecond":-1,
             "schedules":[{"name":"bad","cron":"61 * * * *","spreadMinutes":5000}]}
            """;
        var error = Assert.Throws<PolicyException>(() => PolicyJson.Parse(json));
        Assert.Contains(error.Errors, e => e.StartsWith("onAccess.mode", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("\"relative/dir\" is not an absolute path", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("onAccess.decisionTimeoutMilliseconds", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("onDemand.paths is empty", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("maxFileSizeBytes", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("readRateMegabytesPerSecond", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("schedules[bad].cron", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("schedules[bad].spreadMinutes", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{\"infectedAction\":\"explode\"}")]
    [InlineData("{\"infectedAction\":7}")]
    [InlineData("{\"unknownField\":true}")]
    public void Parse_Garbage_IsRefusedWithPolicyException(string json)
    {
        var error = Assert.Throws<PolicyException>(() => PolicyJson.Parse(json));
        Assert.NotEmpty(error.Errors);
    }

    [Theory]
    [InlineData("0 2 * * *", true)]
    [InlineData("*/15 * * * 1-5", true)]
    [InlineData("0 2 * *", false)]
    [InlineData("", false)]
    [InlineData("0 25 * * *", false)]
    public void CronCheck_AcceptsFiveFieldExpressionsOnly(string cron, bool valid) =>
        Assert.Equal(valid, CronExpressionCheck.IsValid(cron, out _));
}
