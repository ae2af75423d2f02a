using Lightshield.Agent.Configuration;
using Lightshield.Agent.Events;
using Lightshield.Agent.Firewall;
using Lightshield.Agent.Hunts;
using Lightshield.Agent.Scanning;
using Lightshield.Protocol.Credentials;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Lightshield.Agent.Center;

/// <summary>Wiring of an agent that has a center (<c>Agent:Center</c>): enrolment, the sync loop, the center's tasks,
/// events to the center, scan servers from the center's assignment with the agent credential on every call.</summary>
public static class CenterHostingExtensions
{
    public static HostApplicationBuilder AddCenterLink(this HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        OnAccessPolicySettings.AddStoredPolicy(builder.Configuration,
            builder.Configuration[$"{AgentOptions.Section}:{nameof(AgentOptions.StateDirectory)}"] ?? new AgentOptions().StateDirectory);
        var services = builder.Services;
        services.TryAddSingleton(sp => new EnrolmentStore(StateDirectory(sp)));
        services.TryAddSingleton(sp => AgentKeyPair.LoadOrCreate(StateDirectory(sp)));
        services.TryAddSingleton(sp => AgentProofKeyFile.LoadOrCreate(StateDirectory(sp)));
        services.TryAddSingleton(sp => new AssignmentFile(StateDirectory(sp)));
        services.TryAddSingleton<CenterConnection>();
        services.TryAddSingleton<CenterEnroller>();
        services.TryAddSingleton(sp => new PolicyApplier(sp.GetRequiredService<EffectivePolicy>(), StateDirectory(sp),
            sp.GetRequiredService<ILogger<PolicyApplier>>(),
            sp.GetService<IOptions<FirewallOptions>>()?.Value.Enabled == true ? sp.GetService<FirewallEnforcer>() : null));
        services.TryAddSingleton<CenterTaskBook>();
        services.TryAddSingleton<CenterProgress>();
        services.TryAddSingleton<RestoreOrders>();
        services.TryAddSingleton<LocalHashHunt>();
        services.TryAddSingleton<HuntAnswers>();
        services.TryAddSingleton<HuntQuarantines>();
        services.TryAddSingleton<IEventSink, CenterEventSink>();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AgentOptions>>().Value;
            var enrolment = sp.GetRequiredService<EnrolmentStore>();
            return new ScanServerPool(sp.GetRequiredService<AssignmentFile>().Load() ?? options.ScanServers, options.FailoverTimeout,
                options.PreferredRetryInterval, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ScanServerPool>>(),
                () => enrolment.ScanCredential, sp.GetRequiredService<ProofKey>());
        });
        services.TryAddSingleton<SyncTrigger>();
        services.AddHostedService<CenterSyncService>();
        services.AddHostedService<CenterPushService>();
        services.AddHostedService<CenterTaskRunner>();
        return builder;
    }

    private static string StateDirectory(IServiceProvider services) => services.GetRequiredService<IOptions<AgentOptions>>().Value.StateDirectory;
}
