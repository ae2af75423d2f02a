using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Lightshield.Agent.Center;
using Lightshield.Agent.Hosting;
using Lightshield.Center.Hosting;
using Lightshield.Center.Integration;
using Lightshield.Svm.Center;
using Lightshield.Svm.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lightshield.Up;

/// <summary>The center, a scan server registered with it and a local agent enrolled in the demo tenant, in this process.</summary>
internal sealed class UpStack : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);
    private readonly List<IHost> _started = [];
    private readonly UpSettings _settings;
    private HttpClient? _http;

    private UpStack(UpSettings settings) => _settings = settings;

    /// <summary>Starts everything and returns once the scan server is registered and the agent enrolled.</summary>
    public static async Task<(UpStack Stack, UpReady Ready)> StartAsync(UpSettings settings, CancellationToken cancellationToken)
    {
        var stack = new UpStack(settings);
        try
        {
            var ready = await stack.StartAllAsync(cancellationToken).ConfigureAwait(false);
            return (stack, ready);
        }
        catch (Exception failure)
        {
            // The start's failure is the one to tell: a host that failed half-way may also fail to stop.
            try
            {
                await stack.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception stopFailure) when (stopFailure is not OutOfMemoryException)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
            throw;
        }
    }

    /// <summary>The verdict key of this one-machine site, made once (32 random bytes, base64, mode 0600). A second
    /// <c>up</c> sharing the same Redis signs with its own key, so each ignores the other's entries.</summary>
    private static string VerdictKeyFile(string data) =>
        PrivateFile(data, "verdict.key", () => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));

    /// <summary>The provider's update signing key of this one-machine site (<c>DATA/update-signing.key</c>, made once):
    /// its scan server applies only the versions signed with it (<c>lightshield updates import --sign-with
    /// DATA/update-signing.key</c>). A deployment keeps this key offline. Returns the public key scan servers trust.</summary>
    internal static string UpdateSigningPublicKey(string data)
    {
        var path = PrivateFile(data, UpdateSigningKeyName, () =>
        {
            using var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return created.ExportPkcs8PrivateKeyPem();
        });
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        return Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
    }

    internal const string UpdateSigningKeyName = "update-signing.key";

    /// <summary><paramref name="name"/> in <paramref name="data"/>, created once with <paramref name="content"/> (mode 0600).</summary>
    private static string PrivateFile(string data, string name, Func<string> content)
    {
        var path = Path.Combine(data, name);
        if (!File.Exists(path))
        {
            using var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            file.Write(System.Text.Encoding.ASCII.GetBytes(content()));
        }
        return path;
    }

    private async Task<UpReady> StartAllAsync(CancellationToken cancellationToken)
    {
        var data = _settings.DataDirectory;
        CheckPortsFree();
        if (_settings.OnAccessPath is not null && !Environment.IsPrivilegedProcess)
        {
            throw new UpException("--on-access needs root (fanotify); run without it, or as root");
        }
        Directory.CreateDirectory(data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var credentials = UpCredentials.LoadOrCreate(data);
        credentials.Save(data);

        // 1. The center.
        var center = CenterApp.Build([], new Dictionary<string, string?>
        {
            ["Center:Listen"] = $"127.0.0.1:{_settings.Port(0)}",
            // Loopback only, as the browser and the CLI on this machine reach it.
            ["Center:Plaintext"] = "true",
            ["Center:DataDirectory"] = Path.Combine(data, "center"),
            ["Center:Database:Provider"] = DatabaseProviders.Sqlite,
            ["Center:Bootstrap:AdminUserName"] = UpCredentials.ProviderAdminUserName,
            ["Center:Bootstrap:AdminPassword"] = credentials.ProviderAdminPassword,
            ["Center:Integration:GrpcListen"] = $"127.0.0.1:{_settings.Port(1)}",
            ["Center:Integration:Plaintext"] = "false",
            // One machine, one agent: a short sync, so a task started in the console or the CLI shows its progress at once.
            ["Center:Integration:SyncInterval"] = "00:00:05",
            ["Center:Updates:PollInterval"] = "00:00:10",
            ["Center:Updates:SoakTime"] = "00:00:30",
            ["Logging:LogLevel:Default"] = _settings.LogLevel,
        });
        _started.Add(center);
        await center.StartAsync(cancellationToken).ConfigureAwait(false);
        var integration = center.Services.GetRequiredService<IntegrationEndpoints>();
        var grpc = integration.GrpcAddress;
        var fingerprint = integration.CertificateFingerprint!;
        var rest = new Uri(center.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a)).First(a => a.Port != grpc.Port).GetLeftPart(UriPartial.Authority));

        // 2. The demo objects, through the REST API.
        _http = new HttpClient { BaseAddress = new Uri(rest, "api/v1/") };
        var provisioner = new DemoProvisioner(_http, data);
        // The scan-server token is bound to the one scan server it is for: its id (created here, before the server's
        // first start, in the file the server reads it from), host and segment.
        var svmData = Path.Combine(data, "svm");
        var seat = new ScanServerSeat(ScanServerIdentity.LoadOrCreate(svmData), Environment.MachineName, ScanServerSeat.DefaultSegment);
        credentials = await provisioner.ProvisionAsync(credentials, seat, cancellationToken).ConfigureAwait(false);

        // 3. The scan server, registered with the center.
        var scanServer = ScanServerApp.Build([], new Dictionary<string, string?>
        {
            ["Svm:Listen"] = $"127.0.0.1:{_settings.Port(2)}",
            ["Svm:OpsListen"] = $"127.0.0.1:{_settings.Port(3)}",
            ["Svm:DataDirectory"] = svmData,
            ["Svm:DatabaseDirectory"] = SeedSignatureDatabase(),
            ["Svm:Redis"] = _settings.Redis,
            ["Svm:VerdictKeyFile"] = _settings.Redis is null ? null : VerdictKeyFile(data),
            ["Svm:Center"] = grpc.ToString(),
            ["Svm:CenterToken"] = credentials.ScanServerToken,
            ["Svm:CenterCertificateSha256"] = fingerprint,
            ["Svm:HypervisorHost"] = seat.HypervisorHost,
            ["Svm:Segment"] = seat.Segment,
            // As a deployed scan server does: it follows the center's update mirror and rollouts, at a pace one machine
            // can watch (a deployment checks every few minutes).
            ["Svm:CenterUpdates"] = "true",
            ["Svm:TrustedUpdateKeys:0"] = UpdateSigningPublicKey(data),
            ["Svm:UpdatePollInterval"] = "00:00:10",
            ["Logging:LogLevel:Default"] = _settings.LogLevel,
        });
        _started.Add(scanServer);
        await scanServer.StartAsync(cancellationToken).ConfigureAwait(false);
        var scanServerEndpoints = scanServer.Services.GetRequiredService<ScanServerEndpoints>();

        // 4. The local agent, enrolled in the demo tenant.
        var agent = BuildAgent(grpc, fingerprint, credentials.EnrolmentToken!);
        _started.Add(agent);
        await agent.StartAsync(cancellationToken).ConfigureAwait(false);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadyTimeout);
        var providerToken = await provisioner.LoginAsync(null, UpCredentials.ProviderAdminUserName, credentials.ProviderAdminPassword,
            cancellationToken).ConfigureAwait(false);
        try
        {
            await agent.Services.GetRequiredService<EnrolmentStore>().WaitUntilEnrolledAsync(timeout.Token).ConfigureAwait(false);
            while ((await provisioner.GetAsync("scan-servers", providerToken, timeout.Token).ConfigureAwait(false)).EnumerateArray()
                .All(s => s.GetProperty("health").GetString() != "up"))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new UpException($"the scan server did not register or the agent did not enrol within {ReadyTimeout.TotalSeconds:0} s "
                + "(run with --log-level Information to see why)");
        }
        var tenantToken = await provisioner.LoginAsync(UpCredentials.TenantName, UpCredentials.TenantAdminUserName,
            credentials.TenantAdminPassword!, cancellationToken).ConfigureAwait(false);
        var agentId = (await provisioner.GetAsync("agents", tenantToken, cancellationToken).ConfigureAwait(false)).EnumerateArray()
            .Select(a => a.GetProperty("id").GetGuid()).FirstOrDefault();
        var demoFiles = await provisioner.SeedDetectionAsync(tenantToken, agentId, cancellationToken).ConfigureAwait(false);
        return new UpReady(rest, grpc, fingerprint, scanServerEndpoints.GrpcAddress, scanServerEndpoints.OpsAddress, credentials, agentId,
            Path.Combine(data, "agent"), data, demoFiles);
    }

    /// <summary>The scan server's own database directory in the data directory, filled from <c>--database</c> (default: the
    /// starter database) the first time. The scan server owns it: signature updates from the center replace its files, so
    /// it must not be the build output's or the user's directory.</summary>
    private string SeedSignatureDatabase()
    {
        var database = Path.Combine(_settings.DataDirectory, "svm", "signatures");
        if (!Directory.Exists(database))
        {
            var seeding = database + ".new";
            if (Directory.Exists(seeding))
            {
                Directory.Delete(seeding, recursive: true);
            }
            Directory.CreateDirectory(seeding);
            foreach (var file in Directory.EnumerateFiles(_settings.DatabaseDirectory))
            {
                File.Copy(file, Path.Combine(seeding, Path.GetFileName(file)));
            }
            Directory.Move(seeding, database);
        }
        return database;
    }

    private IHost BuildAgent(Uri center, string fingerprint, string enrolmentToken)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Agent:Center"] = center.ToString(),
            ["Agent:CenterCertificateSha256"] = fingerprint,
            ["Agent:EnrolmentToken"] = enrolmentToken,
            ["Agent:HypervisorHost"] = Environment.MachineName,
            ["Agent:Tenant"] = UpCredentials.TenantName,
            ["Agent:StateDirectory"] = Path.Combine(_settings.DataDirectory, "agent"),
            ["OnAccess:Enabled"] = _settings.OnAccessPath is null ? "false" : "true",
            // nftables needs CAP_NET_ADMIN; without root the demo's firewall stays off and the agent says so once at start.
            ["Firewall:Enabled"] = Environment.IsPrivilegedProcess ? "true" : "false",
            ["Logging:LogLevel:Default"] = _settings.LogLevel,
        };
        if (_settings.OnAccessPath is not null)
        {
            settings["OnAccess:ProtectedPaths:0"] = _settings.OnAccessPath;
        }
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Before: AddLightshieldAgent decides on center mode from it; again after: it wins over /etc/lightshield/agent.json
        // and LIGHTSHIELD_* variables, which the agent host adds.
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddLightshieldAgent();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole();
        return builder.Build();
    }

    /// <summary>Fails with a clear message when a fixed port is taken (Kestrel's own error names no component).</summary>
    private void CheckPortsFree()
    {
        if (_settings.PortBase == 0)
        {
            return;
        }
        string[] names = ["center REST", "center gRPC", "scan server gRPC", "scan server health/metrics"];
        for (var offset = 0; offset < names.Length; offset++)
        {
            var port = _settings.Port(offset);
            var listener = new TcpListener(IPAddress.Loopback, port);
            try
            {
                listener.Start();
            }
            catch (SocketException exception) when (exception.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
            {
                throw new UpPortException($"port {port} on 127.0.0.1 ({names[offset]}) is in use; stop what uses it, or move "
                    + $"Lightshield's ports {_settings.PortBase}-{_settings.PortBase + names.Length - 1} with --port-base");
            }
            finally
            {
                listener.Stop();
            }
        }
    }

    /// <summary>Returns on <paramref name="cancellationToken"/> or when any component begins to stop: the hosts see
    /// Ctrl+C and SIGTERM themselves (and keep them from the command line's own handler).</summary>
    public async Task WaitForShutdownAsync(CancellationToken cancellationToken)
    {
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var registrations = _started.Select(h => h.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping)
            .Append(cancellationToken).Select(token => token.Register(() => stopping.TrySetResult())).ToList();
        try
        {
            await stopping.Task.ConfigureAwait(false);
        }
        finally
        {
            foreach (var registration in registrations)
            {
                await registration.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Stops the agent, then the scan server, then the center: each of them even when one fails to stop (the
    /// first failure is thrown at the end).</summary>
    public async ValueTask DisposeAsync()
    {
        ExceptionDispatchInfo? first = null;
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            try
            {
                await StopAsync(_started[i]).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                first ??= ExceptionDispatchInfo.Capture(exception);
            }
        }
        _started.Clear();
        _http?.Dispose();
        first?.Throw();
    }

    private static async Task StopAsync(IHost host)
    {
        try
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            if (host is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                host.Dispose();
            }
        }
    }
}

/// <summary>A port <c>lightshield up</c> needs is taken.</summary>
internal sealed class UpPortException(string message) : Exception(message);

/// <summary>Where everything listens, and the demo credentials.</summary>
internal sealed record UpReady(Uri Rest, Uri CenterGrpc, string CenterCertificateSha256, Uri ScanServerGrpc, Uri? ScanServerOps,
    UpCredentials Credentials, Guid AgentId, string AgentStateDirectory, string DataDirectory, string DemoFiles);
