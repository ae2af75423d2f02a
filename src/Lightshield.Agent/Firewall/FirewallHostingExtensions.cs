using Lightshield.Agent.Configuration;
using Lightshield.Agent.Scanning;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Lightshield.Agent.Firewall;

public static class FirewallHostingExtensions
{
    /// <summary>The firewall (section <c>Firewall</c>): the policy's rules in the agent's own nftables table.</summary>
    public static HostApplicationBuilder AddFirewall(this HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<FirewallOptions>().BindConfiguration(FirewallOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FirewallOptions>, FirewallOptionsValidator>());
        builder.Services.TryAddSingleton<INftables, NftablesContext>();
        builder.Services.TryAddSingleton(_ => new LocalAccounts());
        builder.Services.TryAddSingleton(_ => new ServiceCgroups());
        builder.Services.TryAddSingleton(sp =>
        {
            var agent = sp.GetRequiredService<IOptions<AgentOptions>>().Value;
            var pool = sp.GetRequiredService<ScanServerPool>();
            return new AgentChannels(() => Endpoints(agent, pool));
        });
        builder.Services.TryAddSingleton<FirewallEnforcer>();
        builder.Services.AddHostedService<FirewallService>();
        return builder;
    }

    /// <summary>The center, the assigned scan servers, then the configured ones (the fallback when no assignment holds).</summary>
    private static IEnumerable<(string Purpose, Uri Address)> Endpoints(AgentOptions agent, ScanServerPool pool)
    {
        if (agent.Center is { } center)
        {
            yield return ("center", center);
        }
        foreach (var server in pool.Endpoints.Concat(agent.ScanServers))
        {
            yield return ("scan server", server.Address);
        }
    }
}
