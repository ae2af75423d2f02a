using Lightshield.Agent.Jobs;
using Lightshield.Agent.Tests.Support;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Policies;
using Lightshield.Testing.Center;

namespace Lightshield.Agent.Tests.Center;

/// <summary>A fake center, a real scan server that trusts only the center's credentials, an agent state directory and a
/// directory tree to scan; the agent is started on them by the test.</summary>
internal sealed class CenterTestBed : IAsyncDisposable
{
    public const string HypervisorHost = "hypervisor-7";

    private readonly List<InProcessAgent> _agents = [];

    private readonly FakeCenter _center;

    private CenterTestBed(FakeCenter center, LocalScanServer server)
    {
        _center = center;
        Server = server;
    }

    /// <summary>The fake center's agent gateway: what the agent sent, and what the center answers.</summary>
    public FakeAgentGateway Center => _center.Agents;

    public LocalScanServer Server { get; }

    public TempState State { get; } = new();

    public string Tree { get; } = Directory.CreateTempSubdirectory("lightshield-center-tree-").FullName;

    public static async Task<CenterTestBed> StartAsync()
    {
        var center = await FakeCenter.StartAsync();
        return new CenterTestBed(center, await LocalScanServer.StartAsync(center.Agents.SigningKey.PublicKey.Encoded));
    }

    /// <summary>The center assigns the scan server to the agent.</summary>
    public void AssignServer() => Center.Assignment =
    [
        new ScanServerAssignment { Address = Server.Endpoint.Address.ToString(), HypervisorHost = HypervisorHost, ServerId = "svm-1" },
    ];

    /// <summary>A policy with on-access protection off: these tests run as root and must not mark the host's mounts.</summary>
    public static PolicyDocument Policy(DetectionAction action = DetectionAction.Report, IReadOnlyList<string>? excluded = null,
        IReadOnlyList<string>? fullScanPaths = null) => new()
        {
            OnAccess = new OnAccessPolicy { Enabled = false },
            OnDemand = new OnDemandPolicy { ExcludedPaths = excluded ?? [], Paths = fullScanPaths ?? ["/"] },
            InfectedAction = action,
            ReadRateMegabytesPerSecond = 0,
        };

    public async Task<InProcessAgent> StartAgentAsync(string token = FakeAgentGateway.GoodToken, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var agent = await InProcessAgent.StartAsync(new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Agent:Center"] = _center.Address.ToString(),
            ["Agent:EnrolmentToken"] = token,
            ["Agent:HypervisorHost"] = HypervisorHost,
            ["Agent:Group"] = "web-servers",
            ["Agent:StateDirectory"] = State.Directory,
            ["Agent:ReadRateMegabytesPerSecond"] = "0",
        });
        _agents.Add(agent);
        return agent;
    }

    public static AgentTask ScanTask(string path, long notBeforeUnixMs = 0) => new()
    {
        TaskId = Guid.NewGuid().ToString(),
        Kind = TaskKind.Scan,
        Paths = { path },
        NotBeforeUnixMs = notBeforeUnixMs,
    };

    /// <summary>Waits until the center task finished in the agent's queue, and returns its counters.</summary>
    public static async Task<TaskProgress> WaitForTaskAsync(InProcessAgent agent, string taskId)
    {
        var queue = agent.Get<JobQueue>();
        TaskProgress? progress = null;
        await agent.WaitUntilAsync(async () => (progress = await queue.GetTaskAsync(taskId))?.FinishedAt is not null, $"task {taskId} to finish");
        return progress!;
    }

    /// <summary>Waits until the center has been told the task's final state.</summary>
    public Task WaitForReportAsync(InProcessAgent agent, string taskId, TaskState state) =>
        agent.WaitForAsync(Center.Syncs, syncs => syncs.Any(s => s.Progress.Any(p => p.TaskId == taskId && p.State == state)),
            $"the center to see task {taskId} {state}");

    public async Task StopAgentsAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }
        _agents.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAgentsAsync();
        await Server.DisposeAsync();
        await _center.DisposeAsync();
        State.Dispose();
        Directory.Delete(Tree, recursive: true);
    }
}
