using System.Security.Cryptography;

namespace Lightshield.Cli.Tests.Admin;

/// <summary><c>lightshield outbreak-hunts</c> against a real center: the provider starts a hunt across tenants and sees
/// counts per tenant, never a VM or a path; each tenant finds the hunt among its own; a tenant cannot use the command.</summary>
public sealed class OutbreakHuntCommandTests(CliCenter center) : IClassFixture<CliCenter>
{
    [Fact]
    public async Task OutbreakHuntsStartListShow_CountsPerTenant_EachTenantSeesItsOwnHunt()
    {
        var first = await center.TenantShellAsync();
        var second = await center.TenantShellAsync();
        await EnrolAsync(first, "vm-outbreak-first");
        await EnrolAsync(second, "vm-outbreak-second");
        var provider = await center.ProviderShellAsync();
        var hash = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

        var started = await provider.RunAsync("outbreak-hunts", "start", "--sha256", hash);
        var outbreakId = System.Text.RegularExpressions.Regex.Match(started.Output, "started outbreak hunt ([0-9a-f-]{36}) for 1 hashes").Groups[1].Value;
        var list = await provider.RunAsync("outbreak-hunts", "list");
        var shown = await provider.JsonAsync("outbreak-hunts", "show", outbreakId);
        var table = await provider.RunAsync("outbreak-hunts", "show", outbreakId[..8]);
        var firstHunts = await first.JsonAsync("hunts", "list");
        var refused = await first.RunAsync("outbreak-hunts", "list");

        Assert.Equal((ExitCodes.Clean, ""), (started.ExitCode, started.Error));
        Assert.Contains(outbreakId, list.Output, StringComparison.Ordinal);
        var tenants = shown.GetProperty("tenants").EnumerateArray().ToList();
        Assert.True(tenants.Count >= 2); // every active tenant of this center, these two among them
        Assert.All(tenants, t => Assert.Equal((1, 0), (t.GetProperty("agents").GetInt32(), t.GetProperty("answered").GetInt32())));
        Assert.DoesNotContain("vm-outbreak", shown.ToString(), StringComparison.Ordinal); // counts only
        Assert.DoesNotContain("vm-outbreak", table.Output, StringComparison.Ordinal);
        Assert.Contains("Agents holding a file", table.Output, StringComparison.Ordinal);
        var own = Assert.Single(Items(firstHunts), h => h.GetProperty("kind").GetString() == "outbreak");
        Assert.Equal(1, own.GetProperty("agents").GetInt32());
        Assert.NotEqual(ExitCodes.Clean, refused.ExitCode);
    }

    [Fact]
    public async Task OutbreakHuntsHelp_NamesEveryVerb()
    {
        var help = await center.Shell().RunAsync("outbreak-hunts", "--help");

        Assert.Equal(ExitCodes.Clean, help.ExitCode);
        foreach (var verb in new[] { "start", "list", "show" })
        {
            Assert.Contains(verb, help.Output, StringComparison.Ordinal);
        }
    }

    private async Task EnrolAsync(CliShell tenant, string hostName)
    {
        var groupId = (await tenant.JsonAsync("groups", "create", "--name", "all")).GetProperty("id").GetString()!;
        var enrolment = (await tenant.JsonAsync("enrolment-tokens", "create", "--name", "t", "--group", groupId)).GetProperty("token").GetString()!;
        await center.EnrolAsync(enrolment, hostName);
    }

    private static System.Text.Json.JsonElement.ArrayEnumerator Items(System.Text.Json.JsonElement list) =>
        list.ValueKind == System.Text.Json.JsonValueKind.Array ? list.EnumerateArray() : list.GetProperty("items").EnumerateArray();
}
