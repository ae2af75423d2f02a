using System.Security.Cryptography;

namespace Lightshield.Cli.Tests.Admin;

/// <summary><c>lightshield hunts</c> against a real center: start from pasted hashes and an IOC file, list, show per
/// agent (not answered yet), ask to quarantine the matches, refuse malformed hashes with the center's reason.</summary>
public sealed class HuntCommandTests(CliCenter center) : IClassFixture<CliCenter>
{
    [Fact]
    public async Task HuntsStartListShow_FromHashesAndAnIocFile()
    {
        var tenant = await center.TenantShellAsync();
        var groupId = (await tenant.JsonAsync("groups", "create", "--name", "all")).GetProperty("id").GetString()!;
        var enrolment = (await tenant.JsonAsync("enrolment-tokens", "create", "--name", "t", "--group", groupId)).GetProperty("token").GetString()!;
        var agentId = (await center.EnrolAsync(enrolment, "vm-hunted")).AgentId;
        var pasted = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var ioc = Path.Combine(Path.GetTempPath(), $"ioc-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(ioc, $"# outbreak\n{Convert.ToHexString(RandomNumberGenerator.GetBytes(32))}  dropper.exe\nmd5 d41d8cd98f00b204e9800998ecf8427e\n");
        try
        {
            var started = await tenant.RunAsync("hunts", "start", "--sha256", pasted, "--file", ioc);
            Assert.Equal((ExitCodes.Clean, ""), (started.ExitCode, started.Error));
            var huntId = System.Text.RegularExpressions.Regex.Match(started.Output, "started hunt ([0-9a-f-]{36}) for 2 hashes").Groups[1].Value;
            Assert.NotEmpty(huntId);

            var list = await tenant.RunAsync("hunts", "list");
            var shown = await tenant.JsonAsync("hunts", "show", huntId);
            var table = await tenant.RunAsync("hunts", "show", huntId[..8]);

            Assert.Contains(huntId, list.Output, StringComparison.Ordinal);
            Assert.Equal(2, shown.GetProperty("hunt").GetProperty("hashes").GetInt32());
            var agent = Assert.Single(shown.GetProperty("agents").EnumerateArray());
            Assert.Equal(agentId, agent.GetProperty("agentId").GetString());
            Assert.False(agent.GetProperty("answered").GetBoolean());
            Assert.Contains("vm-hunted", table.Output, StringComparison.Ordinal);
            Assert.Contains("not yet", table.Output, StringComparison.Ordinal);

            // Nothing answered yet: "quarantine them all" asks no agent, and says so.
            var quarantine = await tenant.RunAsync("hunts", "quarantine", huntId[..8]);
            var quarantineJson = await tenant.JsonAsync("hunts", "quarantine", huntId);
            Assert.Equal(ExitCodes.Clean, quarantine.ExitCode);
            Assert.Contains($"asked 0 agents to quarantine the files of hunt {huntId}", quarantine.Output, StringComparison.Ordinal);
            Assert.Equal(0, quarantineJson.GetProperty("agents").GetInt32());
        }
        finally
        {
            File.Delete(ioc);
        }
    }

    [Fact]
    public async Task HuntsStart_MalformedHash_PrintsTheCentersReasonAndExitsTwo()
    {
        var tenant = await center.TenantShellAsync();

        var refused = await tenant.RunAsync("hunts", "start", "--sha256", "abc123");

        Assert.Equal(ExitCodes.Error, refused.ExitCode);
        Assert.Contains("1 entries are not SHA-256 (64 hex digits): abc123. (400)", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HuntsHelp_NamesEveryVerb()
    {
        var help = await center.Shell().RunAsync("hunts", "--help");

        Assert.Equal(ExitCodes.Clean, help.ExitCode);
        foreach (var verb in new[] { "start", "list", "show", "quarantine" })
        {
            Assert.Contains(verb, help.Output, StringComparison.Ordinal);
        }
    }
}
