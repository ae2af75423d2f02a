namespace Lightshield.Center.Integration;

/// <summary>Creates or loads the credential signing keys at start, after the migrations, before anything is served.</summary>
public sealed class IntegrationStartup(CenterSigningKeys keys) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => keys.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
