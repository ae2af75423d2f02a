using System.Diagnostics;
using Lightshield.Agent.Hosting;
using Lightshield.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lightshield.Agent.Tests.Support;

/// <summary>The agent host as <c>lightshield-agent</c> builds it (<see cref="AgentHostingExtensions.AddLightshieldAgent"/>),
/// run inside the test process so the test can reach its services and read its log.</summary>
internal sealed class InProcessAgent : IAsyncDisposable
{
    private readonly IHost _host;

    private InProcessAgent(IHost host, RecordingLoggerProvider log)
    {
        _host = host;
        Log = log;
    }

    public RecordingLoggerProvider Log { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>Whether the host is still running (a failing background service stops it).</summary>
    public bool IsRunning => !Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested;

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <param name="settings">The agent's configuration.</param>
    /// <param name="services">Services registered before the agent's own, which then keep them (the agent registers with TryAdd).</param>
    public static async Task<InProcessAgent> StartAsync(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        var log = new RecordingLoggerProvider();
        builder.Logging.AddProvider(log);
        services?.Invoke(builder.Services);
        builder.AddLightshieldAgent();
        var host = builder.Build();
        await host.StartAsync();
        return new InProcessAgent(host, log);
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails with the agent's log when the time runs out or the
    /// host stopped.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(IsRunning, $"the agent stopped while waiting for {what}:\n{Log}");
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(seconds), $"not within {seconds} s: {what}\nagent log:\n{Log}");
            await Task.Delay(100);
        }
    }

    public Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 60) => WaitUntilAsync(() => Task.FromResult(condition()), what, seconds);

    /// <summary>Waits until what a fake received satisfies <paramref name="condition"/>: checked on each arrival, no
    /// polling. Fails with the agent's log when the time runs out or the host stopped.</summary>
    public async Task WaitForAsync<T>(Recorded<T> received, Func<IReadOnlyList<T>, bool> condition, string what, int seconds = 60)
    {
        ArgumentNullException.ThrowIfNull(received);
        var stopping = Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        try
        {
            await received.WaitUntilAsync(condition, what, TimeSpan.FromSeconds(seconds), stopping);
        }
        catch (TimeoutException e)
        {
            Assert.Fail($"{e.Message}\nagent log:\n{Log}");
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            Assert.Fail($"the agent stopped while waiting for {what}:\n{Log}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
