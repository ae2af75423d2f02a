namespace Lightshield.Agent.Hosting;

/// <summary>Wiring of the agent, one call per feature.</summary>
public static class AgentHostingExtensions
{
    public static HostApplicationBuilder AddLightshieldAgent(this HostApplicationBuilder builder)
    {
        builder.Services.AddSystemd();
        return builder;
    }
}
