using Lightshield.Agent.Actions;
using Lightshield.Agent.Center;
using Lightshield.Agent.Configuration;
using Lightshield.Agent.Diagnostics;
using Lightshield.Agent.Events;
using Lightshield.Agent.Firewall;
using Lightshield.Agent.Health;
using Lightshield.Agent.Index;
using Lightshield.Agent.Jobs;
using Lightshield.Agent.Memory;
using Lightshield.Agent.OnAccess;
using Lightshield.Agent.Scanning;
using Lightshield.Agent.Storage;
using Lightshield.Agent.Tasks;
using Lightshield.Client.Content;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Lightshield.Agent.Hosting;

/// <summary>Wiring of the agent, one call per feature.</summary>
public static class AgentHostingExtensions
{
    public const string DefaultConfigurationFile = "/etc/lightshield/agent.json";

    public static HostApplicationBuilder AddLightshieldAgent(this HostApplicationBuilder builder)
    {
        builder.Configuration.AddJsonFile(DefaultConfigurationFile, optional: true, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables("LIGHTSHIELD_");
        CenterLinkFile.AddTo(builder.Configuration,
            builder.Configuration[$"{AgentOptions.Section}:{nameof(AgentOptions.StateDirectory)}"] ?? new AgentOptions().StateDirectory);
        var center = !string.IsNullOrWhiteSpace(builder.Configuration[$"{AgentOptions.Section}:{nameof(AgentOptions.Center)}"]);
        builder.Services.AddSystemd();
        builder.Services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.TryAddSingleton(sp => new AgentDatabase(Path.Combine(Options(sp).StateDirectory, "agent.db")));
        builder.Services.TryAddSingleton<JobQueue>();
        builder.Services.TryAddSingleton<FileIndex>();
        builder.Services.TryAddSingleton<EventOutbox>();
        builder.Services.TryAddSingleton(sp => new EffectivePolicy(Options(sp), sp.GetRequiredService<IOptions<ActionOptions>>().Value));
        builder.Services.TryAddSingleton(sp =>
        {
            var policy = sp.GetRequiredService<EffectivePolicy>();
            var limiter = new ReadRateLimiter(policy.Current.ReadRateBytesPerSecond, sp.GetRequiredService<TimeProvider>());
            policy.Changed += settings => limiter.BytesPerSecond = settings.ReadRateBytesPerSecond;
            return limiter;
        });
        builder.Services.TryAddSingleton(sp => new FileBatchScanner(sp.GetRequiredService<ScanServerPool>(), sp.GetRequiredService<FileIndex>(),
            sp.GetRequiredService<ReadRateLimiter>(), Options(sp).Tenant, maxFileSize: () => sp.GetRequiredService<EffectivePolicy>().Current.MaxFileSizeBytes,
            time: sp.GetRequiredService<TimeProvider>(), metrics: sp.GetRequiredService<AgentMetrics>()));
        builder.Services.TryAddSingleton<MemoryScanner>();
        builder.AddAgentMetrics();
        builder.AddHealthProbe();
        if (center)
        {
            builder.AddCenterLink();
        }
        else
        {
            builder.Services.TryAddSingleton<IEventSink, LogEventSink>();
            builder.Services.TryAddSingleton(sp => new ScanServerPool(Options(sp).ScanServers, Options(sp).FailoverTimeout,
                Options(sp).PreferredRetryInterval, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ScanServerPool>>()));
        }
        builder.AddDetectionActions();
        builder.AddOnAccessProtection();
        builder.AddFirewall();
        builder.Services.AddHostedService<JobWorker>();
        builder.Services.AddHostedService<EventDeliveryService>();
        return builder;
    }

    /// <summary>What is done with infected files (section <c>Actions</c>), and the quarantine vault.</summary>
    public static HostApplicationBuilder AddDetectionActions(this HostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ActionOptions>().BindConfiguration(ActionOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ActionOptions>, ActionOptionsValidator>());
        builder.Services.TryAddSingleton<DetectionActions>();
        return builder;
    }

    /// <summary>On-access protection (section <c>OnAccess</c>), started before the other workers when enabled.</summary>
    public static HostApplicationBuilder AddOnAccessProtection(this HostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OnAccessOptions>().BindConfiguration(OnAccessOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OnAccessOptions>, OnAccessOptionsValidator>());
        builder.Services.TryAddSingleton<OnAccessStatus>();
        builder.Services.AddHostedService<OnAccessService>();
        return builder;
    }

    /// <summary>The VM's health report (section <c>Health</c>): system facts, file systems, pending updates, failed
    /// units, reboot flag, clock skew, last scans.</summary>
    public static HostApplicationBuilder AddHealthProbe(this HostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HealthOptions>, HealthOptionsValidator>());
        builder.Services.TryAddSingleton<ClockSkew>();
        builder.Services.TryAddSingleton(sp => new PendingUpdatesMonitor(sp.GetRequiredService<IOptions<HealthOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PendingUpdatesMonitor>>()));
        builder.Services.TryAddSingleton(sp => new HealthProbe(sp.GetRequiredService<ScanServerPool>(), sp.GetRequiredService<JobQueue>(),
            sp.GetRequiredService<OnAccessStatus>(), Options(sp).StateDirectory, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<HealthOptions>>().Value, sp.GetRequiredService<PendingUpdatesMonitor>(), sp.GetRequiredService<ClockSkew>(),
            sp.GetService<CenterTaskBook>()));
        return builder;
    }

    /// <summary>The agent's meter, written to <c>STATE/metrics.prom</c> (<see cref="MetricsTextFile"/>).</summary>
    public static HostApplicationBuilder AddAgentMetrics(this HostApplicationBuilder builder)
    {
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton(sp => new AgentMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetService<OnAccessStatus>()));
        builder.Services.AddHostedService(sp => new MetricsTextFile(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), Options(sp).StateDirectory, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<MetricsTextFile>>()));
        return builder;
    }

    private static AgentOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<AgentOptions>>().Value;
}
