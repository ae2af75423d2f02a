using System.Text.Json;
using Lightshield.Agent.Center;
using Lightshield.Agent.Configuration;
using Lightshield.Agent.Events;
using Microsoft.Extensions.Options;

namespace Lightshield.Agent.Firewall;

/// <summary>
/// Runs the firewall part of the policy: at start the policy in force, or the one stored in the state directory (so an
/// agent that cannot reach its center keeps enforcing its last policy); each policy change at once; every
/// <see cref="FirewallOptions.CheckInterval"/> a drift check that repairs the table and records a <c>firewall-drift</c>
/// event. At stop the table goes, unless <see cref="FirewallOptions.KeepEnforcingOnStop"/>.
/// </summary>
public sealed partial class FirewallService(
    FirewallEnforcer enforcer,
    EffectivePolicy policy,
    EventOutbox events,
    IOptions<FirewallOptions> options,
    IOptions<AgentOptions> agent,
    TimeProvider time,
    ILogger<FirewallService> logger) : BackgroundService
{
    public const string DriftEvent = "firewall-drift";

    private bool _started;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            LogDisabled(logger);
            return;
        }
        policy.Changed += OnPolicyChanged;
        _started = true;
        // The first check is one interval after the start, whatever the first apply costs.
        using var timer = new PeriodicTimer(options.Value.CheckInterval, time);
        var current = policy.Current.Version > 0 ? policy.Current.Firewall
            : PolicyFile.Load(agent.Value.StateDirectory)?.Policy.Firewall ?? policy.Current.Firewall;
        enforcer.Apply(current);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (enforcer.Check() is { } drift)
                {
                    await events.AppendAsync(DriftEvent, JsonSerializer.Serialize(new { expected = drift.Expected, found = drift.Found }), stoppingToken);
                }
            }
            catch (Exception exception) when (exception is NftablesException or Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                LogCheckFailed(logger, exception.Message);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!_started)
        {
            return;
        }
        _started = false;
        policy.Changed -= OnPolicyChanged;
        if (options.Value.KeepEnforcingOnStop)
        {
            LogKept(logger);
            return;
        }
        try
        {
            enforcer.Remove();
            LogRemoved(logger);
        }
        catch (NftablesException exception)
        {
            LogRemoveFailed(logger, exception.Message);
        }
    }

    private void OnPolicyChanged(EffectivePolicy.Settings settings) => enforcer.Apply(settings.Firewall);

    [LoggerMessage(Level = LogLevel.Information, Message = "Firewall disabled in the agent's configuration (Firewall:Enabled=false): the policy's firewall part is not applied")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Firewall check failed; the next check tries again: {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent stopping: firewall table inet lightshield keeps enforcing (Firewall:KeepEnforcingOnStop)")]
    private static partial void LogKept(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent stopping: firewall table inet lightshield removed")]
    private static partial void LogRemoved(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Agent stopping: removing firewall table inet lightshield failed: {Reason}")]
    private static partial void LogRemoveFailed(ILogger logger, string reason);
}
