extern alias agent;
using System.Collections.Concurrent;
using agent::Lightshield.Agent.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lightshield.Center.Tests.Integration;

/// <summary>A real <c>lightshield-agent</c> in center mode, built by <c>AddLightshieldAgent</c> as the binary does and
/// run in the test process, with its own state directory (on-access protection comes from the center's policy).</summary>
internal sealed class LiveAgent : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly ErrorRecorder _errors;

    private LiveAgent(IHost host, DirectoryInfo state, ErrorRecorder errors)
    {
        _host = host;
        State = state;
        _errors = errors;
    }

    public DirectoryInfo State { get; }

    /// <summary>Whether the host is still running (a failing background service stops it).</summary>
    public bool IsRunning => !_host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested;

    /// <summary>The errors the agent logged (a failed background service's exception among them), for a test's message.</summary>
    public string Errors => _errors.Lines.IsEmpty ? "(no error logged)" : string.Join('\n', _errors.Lines);

    /// <summary>The agent's services (its task book, its job queue).</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Starts the agent; with <paramref name="time"/> it runs on that clock instead of the system's (every wait
    /// and every time it reads, as a test host may replace what the agent registers with TryAdd).</summary>
    public static async Task<LiveAgent> StartAsync(Uri center, string centerFingerprint, string enrolmentToken, string hypervisorHost,
        TimeProvider? time = null)
    {
        var state = Directory.CreateTempSubdirectory("lightshield-agent-live-");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:Center"] = center.ToString(),
            ["Agent:CenterCertificateSha256"] = centerFingerprint,
            ["Agent:EnrolmentToken"] = enrolmentToken,
            ["Agent:HypervisorHost"] = hypervisorHost,
            ["Agent:StateDirectory"] = state.FullName,
            ["Agent:ReadRateMegabytesPerSecond"] = "0",
            // Never marks the test host's mounts (the tests run as root); the center's policy says the same.
            ["OnAccess:Enabled"] = "false",
        });
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }
        var errors = new ErrorRecorder();
        builder.Logging.AddProvider(errors);
        builder.AddLightshieldAgent();
        var host = builder.Build();
        await host.StartAsync();
        return new LiveAgent(host, state, errors);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
        State.Delete(recursive: true);
    }

    private sealed class ErrorRecorder : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
            }
        }

        public void Dispose()
        {
        }
    }
}
