using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lightshield.Center.Push;

public static class PushServiceExtensions
{
    /// <summary>The agents' push channel: the hub of this instance's streams and the save interceptor that nudges.</summary>
    public static IHostApplicationBuilder AddPush(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<PushOptions>().BindConfiguration(PushOptions.Section)
            .Validate(o => o.MaxSubscriptions > 0 && o.KeepAliveInterval > TimeSpan.Zero && o.MaxStreamLifetime >= TimeSpan.FromSeconds(10),
                "Center:Push needs MaxSubscriptions > 0, KeepAliveInterval > 0 and MaxStreamLifetime of at least 10 s")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<AgentPushHub>();
        builder.Services.TryAddSingleton<PostgresNudgeRelay>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<PostgresNudgeRelay>());
        builder.Services.TryAddSingleton<AgentNudgeInterceptor>();
        builder.Services.AddSingleton<IInterceptor>(provider => provider.GetRequiredService<AgentNudgeInterceptor>());
        builder.Services.TryAddScoped<AgentPushStream>();
        return builder;
    }
}
