extern alias agent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using agent::Lightshield.Agent.Center;
using agent::Lightshield.Agent.Configuration;
using agent::Lightshield.Agent.Hosting;
using agent::Lightshield.Agent.Jobs;
using Lightshield.Center.Agents;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Protocol.Policies;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Tests.Integration;

/// <summary><c>lightshield-agent enrol</c>, the line a VM's first boot runs, against a real center over TLS: it enrols at
/// once and leaves the service nothing to configure; a refused token or a center that does not show the pinned
/// certificate fails the command and records nothing.</summary>
public sealed class EnrolCommandTests(LiveCenter<SqliteTestDatabase> center) : IClassFixture<LiveCenter<SqliteTestDatabase>>, IDisposable
{
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("lightshield-enrol-command-");

    public void Dispose() => _state.Delete(recursive: true);

    private Task<int> EnrolAsync(params string[] arguments) =>
        LocalTaskCommands.RunAsync(["enrol", "--center", center.GrpcAddress.ToString(), "--state", _state.FullName, .. arguments]);

    private string[] StateFiles() => [.. _state.GetFiles().Select(f => f.Name)];

    [Fact]
    public async Task Enrol_with_a_good_token_enrols_at_once_and_the_service_needs_nothing_but_its_state()
    {
        var tenant = await center.Driver.CreateTenantAsync();
        var tokenFile = Path.Combine(_state.Parent!.FullName, $"{_state.Name}.token");
        await File.WriteAllTextAsync(tokenFile, await center.Driver.EnrolmentTokenAsync(tenant) + "\n");
        try
        {
            Assert.Equal(0, await EnrolAsync("--token-file", tokenFile, "--center-cert-sha256", center.CertificateFingerprint));
        }
        finally
        {
            File.Delete(tokenFile);
        }

        var link = Path.Combine(_state.FullName, CenterLinkFile.FileName);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(link));
        var agentId = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_state.FullName, EnrolmentStore.FileName)))
            .RootElement.GetProperty("AgentId").GetString();
        using var agents = await center.Driver.Client(tenant.AdminToken).GetAsync("/api/v1/agents");
        var listed = await IntegrationDriver.ReadAsync<List<AgentResponse>>(agents, HttpStatusCode.OK);
        Assert.Equal(agentId, Assert.Single(listed).Id.ToString());

        // The service as the package starts it: no center, token or fingerprint in its configuration, only its state.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:StateDirectory"] = _state.FullName,
            ["OnAccess:Enabled"] = "false",
        });
        builder.AddLightshieldAgent();
        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptions<AgentOptions>>().Value;
        Assert.Equal((center.GrpcAddress, center.CertificateFingerprint), (options.Center, options.CenterCertificateSha256));
        Assert.Null(options.EnrolmentToken);
        Assert.Equal(agentId, host.Services.GetRequiredService<EnrolmentStore>().Current?.AgentId);

        // Run again (cloud-init's runcmd after a re-run), it keeps the enrolment rather than making a second agent.
        Assert.Equal(0, await EnrolAsync("--token", "not-a-token", "--center-cert-sha256", center.CertificateFingerprint));
        Assert.Equal(agentId, JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_state.FullName, EnrolmentStore.FileName)))
            .RootElement.GetProperty("AgentId").GetString());
    }

    [Fact]
    public async Task Restarted_while_its_center_does_not_answer_the_agent_applies_its_stored_policy()
    {
        var tenant = await center.Driver.CreateTenantAsync();
        Assert.Equal(0, await EnrolAsync("--token", await center.Driver.EnrolmentTokenAsync(tenant), "--center-cert-sha256", center.CertificateFingerprint));
        // An upgrade's restart with the center out of reach (a closed port): what the state holds must be in force.
        CenterLinkFile.Save(_state.FullName, new Uri("https://127.0.0.1:1"), center.CertificateFingerprint);
        PolicyFile.Save(_state.FullName, 7, PolicyJson.Serialize(new PolicyDocument { InfectedAction = DetectionAction.Delete }));

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:StateDirectory"] = _state.FullName,
            ["OnAccess:Enabled"] = "false",
            ["Firewall:Enabled"] = "false",
        });
        builder.AddLightshieldAgent();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var policy = host.Services.GetRequiredService<EffectivePolicy>();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (policy.Current.Version != 7 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            Assert.Equal((7L, DetectionAction.Delete), (policy.Current.Version, policy.Current.OnDemandAction));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_refused_token_fails_at_once_and_records_no_center()
    {
        var clock = Stopwatch.StartNew();

        var exit = await EnrolAsync("--token", "lsenr_not-a-token-the-center-issued", "--center-cert-sha256", center.CertificateFingerprint,
            "--timeout", "00:02:00");

        Assert.Equal(2, exit);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"a refused token is final, yet enrol took {clock.Elapsed}");
        Assert.Contains(AgentKeyPair.FileName, StateFiles()); // it did ask the center, with its new keys
        Assert.DoesNotContain(EnrolmentStore.FileName, StateFiles());
        Assert.DoesNotContain(CenterLinkFile.FileName, StateFiles());
    }

    [Fact]
    public async Task A_center_without_the_pinned_certificate_is_not_trusted_with_the_token()
    {
        var tenant = await center.Driver.CreateTenantAsync();
        var token = await center.Driver.EnrolmentTokenAsync(tenant);
        var someoneElses = new string('a', 64);

        var clock = Stopwatch.StartNew();

        var exit = await EnrolAsync("--token", token, "--center-cert-sha256", someoneElses, "--timeout", "00:00:03");

        Assert.Equal(2, exit);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), $"enrol gave up after {clock.Elapsed}, before trying again");
        Assert.Contains(AgentKeyPair.FileName, StateFiles());
        Assert.DoesNotContain(EnrolmentStore.FileName, StateFiles());
        Assert.DoesNotContain(CenterLinkFile.FileName, StateFiles());
        using var agents = await center.Driver.Client(tenant.AdminToken).GetAsync("/api/v1/agents");
        Assert.Empty(await IntegrationDriver.ReadAsync<List<AgentResponse>>(agents, HttpStatusCode.OK));
    }

    [Fact]
    public async Task Without_a_token_or_with_two_it_says_so()
    {
        Assert.Equal(2, await EnrolAsync("--center-cert-sha256", center.CertificateFingerprint));
        Assert.Equal(2, await EnrolAsync("--token", "a", "--token-file", "/nonexistent"));
        Assert.Equal(2, await LocalTaskCommands.RunAsync(["enrol", "--center", "center.example", "--token", "a", "--state", _state.FullName]));
        Assert.Empty(StateFiles());
    }
}
