using System.Text.Json;
using Grpc.Core;
using Lightshield.Agent.Center;
using Lightshield.Client;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Scan;
using Lightshield.Protocol.Transport;
using Lightshield.Testing;
using FileKey = Lightshield.Verdicts.FileKey;

namespace Lightshield.Agent.Tests.Center;

/// <summary>Points 2 (assignment, renewed credential) and 4: the agent scans through the server the center assigns,
/// with its credential, which the scan server requires.</summary>
public sealed class AssignmentTests
{
    [Fact]
    public async Task SyncAssignment_AgentScansThroughTheAssignedServerWithItsCredential()
    {
        await using var bed = await CenterTestBed.StartAsync();
        await File.WriteAllBytesAsync(Path.Combine(bed.Tree, "eicar.com"), TestSamples.Eicar());
        await File.WriteAllBytesAsync(Path.Combine(bed.Tree, "clean.txt"), "hello"u8.ToArray());

        // The scan server refuses a caller without a credential.
        using (var channel = GrpcChannels.Open(bed.Server.Endpoint.Address))
        {
            var anonymous = new ScanServerClient(new ScanService.ScanServiceClient(channel));
            var refused = await Assert.ThrowsAsync<RpcException>(() => anonymous.LookupAsync([FileKey.Compute("x"u8)], "t"));
            Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        }

        bed.AssignServer();
        bed.Center.SetPolicy(1, CenterTestBed.Policy());
        var task = CenterTestBed.ScanTask(bed.Tree);
        bed.Center.TasksOnce.Enqueue(task);
        await using var agent = await bed.StartAgentAsync();

        var done = await CenterTestBed.WaitForTaskAsync(agent, task.TaskId);
        Assert.Equal(2, done.FilesDone);
        Assert.Equal(1, done.Infected);
        Assert.Equal(0, done.Errors);
        await bed.WaitForReportAsync(agent, task.TaskId, TaskState.Completed);
        var report = bed.Center.Syncs.SelectMany(s => s.Progress).Last(p => p.TaskId == task.TaskId);
        Assert.Equal(1, report.FilesInfected);
        Assert.Contains(bed.Center.Syncs, s => s.Health.ScanServer == bed.Server.Endpoint.Address.ToString() && s.Health.ScanServerReachable);
    }

    [Fact]
    public async Task SyncAssignment_PlainHttpOffLoopbackAndGarbageAreIgnored_TheAgentScansThroughTheHttpsServer()
    {
        await using var bed = await CenterTestBed.StartAsync();
        await File.WriteAllBytesAsync(Path.Combine(bed.Tree, "eicar.com"), TestSamples.Eicar());
        bed.Center.Assignment =
        [
            // Preferred first: a center (or anything that speaks for it) pointing the agent at plaintext on a network.
            new ScanServerAssignment { Address = "http://198.51.100.7:7443", HypervisorHost = CenterTestBed.HypervisorHost, ServerId = "svm-plain" },
            new ScanServerAssignment { Address = "not an address", HypervisorHost = CenterTestBed.HypervisorHost, ServerId = "svm-garbage" },
            new ScanServerAssignment { Address = bed.Server.Endpoint.Address.ToString(), HypervisorHost = CenterTestBed.HypervisorHost, ServerId = "svm-1" },
        ];
        bed.Center.SetPolicy(1, CenterTestBed.Policy());
        var task = CenterTestBed.ScanTask(bed.Tree);
        bed.Center.TasksOnce.Enqueue(task);
        await using var agent = await bed.StartAgentAsync();

        var done = await CenterTestBed.WaitForTaskAsync(agent, task.TaskId);

        Assert.Equal((1, 0), (done.Infected, done.Errors));
        Assert.DoesNotContain(bed.Center.Syncs, s => s.Health.ScanServer.Contains("198.51.100.7", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://svm.example:7443", true)]
    [InlineData("http://127.0.0.1:7443", true)]
    [InlineData("http://[::1]:7443", true)]
    [InlineData("http://svm.example:7443", false)]
    [InlineData("http://10.0.0.5:7443", false)]
    [InlineData("ftp://svm.example", false)]
    public void Options_PlainHttpIsAcceptedOnlyOnLoopback(string address, bool accepted)
    {
        var options = new Lightshield.Agent.Configuration.AgentOptions
        {
            ScanServers = [new Lightshield.Agent.Configuration.ScanServerEndpoint { Address = new Uri(address) }],
            Center = new Uri(address),
        };

        Assert.Equal(accepted, !options.Validate().Any(e => e.Contains("not an https:// address", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TenantSuspended_NoScanServerIsUsedUntilLifted()
    {
        await using var bed = await CenterTestBed.StartAsync();
        await File.WriteAllBytesAsync(Path.Combine(bed.Tree, "eicar.com"), TestSamples.Eicar());
        bed.AssignServer();
        bed.Center.SetPolicy(1, CenterTestBed.Policy());
        bed.Center.Suspended = true;
        await using var agent = await bed.StartAgentAsync();
        await agent.WaitForAsync(bed.Center.Syncs, syncs => syncs.Count >= 2, "two syncs while suspended");

        var task = CenterTestBed.ScanTask(bed.Tree);
        bed.Center.TasksOnce.Enqueue(task);
        await bed.WaitForReportAsync(agent, task.TaskId, TaskState.Running);
        var syncs = bed.Center.Syncs.Count;
        await agent.WaitForAsync(bed.Center.Syncs, all => all.Count >= syncs + 2, "two more syncs while suspended");
        Assert.Null((await agent.Get<Lightshield.Agent.Jobs.JobQueue>().GetTaskAsync(task.TaskId))!.FinishedAt);
        Assert.All(bed.Center.Syncs, s => Assert.False(s.Health.ScanServerReachable));

        bed.Center.Suspended = false;
        var done = await CenterTestBed.WaitForTaskAsync(agent, task.TaskId);
        Assert.Equal(1, done.Infected);
    }

    [Fact]
    public async Task RenewedCredential_IsStoredAndUsedForTheNextCalls()
    {
        await using var bed = await CenterTestBed.StartAsync();
        bed.AssignServer();
        await using var agent = await bed.StartAgentAsync();
        await agent.WaitForAsync(bed.Center.Syncs, syncs => syncs.Count > 0, "a first sync");
        var first = Assert.Single(bed.Center.IssuedCredentials);

        var pair = bed.Center.IssueCredentials();
        var renewed = pair.Center;
        bed.Center.RenewedCredentials = pair;
        await agent.WaitForAsync(bed.Center.AuthenticatedCalls, calls => calls.Any(c => c.Credential == renewed), "a call with the renewed credential");
        var syncs = bed.Center.Syncs.Count;
        await agent.WaitForAsync(bed.Center.Syncs, all => all.Count > syncs, "one more sync, so no call started before the renewal is still in flight");
        var stored = JsonSerializer.Deserialize<EnrolmentRecord>(await File.ReadAllTextAsync(Path.Combine(bed.State.Directory, EnrolmentStore.FileName)))!;
        Assert.Equal((renewed, pair.ScanServers), (stored.Credential, stored.ScanCredential));

        // Once renewed, the old credential is not presented again; scans go through with the new one.
        var calls = bed.Center.AuthenticatedCalls.Count;
        await File.WriteAllBytesAsync(Path.Combine(bed.Tree, "eicar.com"), TestSamples.Eicar());
        var task = CenterTestBed.ScanTask(bed.Tree);
        bed.Center.TasksOnce.Enqueue(task);
        Assert.Equal(1, (await CenterTestBed.WaitForTaskAsync(agent, task.TaskId)).Infected);
        Assert.All(bed.Center.AuthenticatedCalls.Skip(calls), c => Assert.Equal(renewed, c.Credential));
        Assert.NotEqual(first, renewed);
    }
}
