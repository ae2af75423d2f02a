using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Hosting;

/// <summary>Runs before the API serves: migrations, then the first provider administrator.</summary>
public sealed class CenterStartup(IServiceScopeFactory scopes) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateSystemScope();
        var services = scope.ServiceProvider;
        services.GetRequiredService<CurrentActor>().Name = "system";
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        await services.GetRequiredService<ProviderAdminBootstrap>().RunAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
