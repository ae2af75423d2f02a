using Lightshield.Center.Agents;
using Lightshield.Protocol.Center;

namespace Lightshield.Center.Integration;

/// <summary>One agent's sync while it is answered: who asks, its row (tracked: contributors change it and the gateway
/// saves once), the request, the answer being built and the center's time of the sync.</summary>
public sealed class AgentSyncContext(AuthenticatedAgent caller, Agent agent, SyncRequest request, SyncResponse response, DateTimeOffset now)
{
    public AuthenticatedAgent Caller { get; } = caller;

    public Agent Agent { get; } = agent;

    public SyncRequest Request { get; } = request;

    public SyncResponse Response { get; } = response;

    public DateTimeOffset Now { get; } = now;

    /// <summary>The agent's vCPUs before this sync's health report.</summary>
    public int VcpusBefore { get; } = agent?.Vcpus ?? 0;
}

/// <summary>A feature's part of an agent's sync: what it reads from the request and adds to the answer. Contributions run
/// in <see cref="Order"/> (see <see cref="SyncOrder"/>), in the agent's tenant scope, and share one save.</summary>
public interface IAgentSyncContributor
{
    /// <summary>Position in the sync (<see cref="SyncOrder"/>).</summary>
    int Order { get; }

    /// <summary>Whether it runs for an agent of a suspended tenant (which only learns that it is suspended).</summary>
    bool ServesSuspendedTenants => false;

    Task ContributeAsync(AgentSyncContext sync, CancellationToken cancellationToken);

    /// <summary>After the sync's changes are saved.</summary>
    Task AfterSaveAsync(AgentSyncContext sync, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The order of the contributions to a sync, in one place: health first (it may change the vCPUs that metering
/// counts), then metering, assignment, tasks, restores, policy, credential renewal, and the licence once saved.</summary>
public static class SyncOrder
{
    public const int Health = 0;
    public const int Metering = 10;
    public const int Assignment = 20;
    public const int Tasks = 30;
    public const int Restores = 40;
    public const int Policy = 50;
    public const int Credential = 60;
    public const int Licence = 70;
}
