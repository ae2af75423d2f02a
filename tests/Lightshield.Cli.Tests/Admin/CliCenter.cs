using Lightshield.Center.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Cli.Tests.Admin;

/// <summary>A real center (the one <c>lightshield-center</c> runs) listening on a free loopback port, on a SQLite file
/// in a temporary directory, with a bootstrap provider-admin. Shared by the tests of one class.</summary>
public sealed class CliCenter : IAsyncLifetime
{
    public const string AdminUserName = "root";
    public const string AdminPassword = "bootstrap-password-for-cli-tests";
    private readonly string _directory = Directory.CreateTempSubdirectory("lightshield-cli-center-").FullName;
    private WebApplication? _app;

    /// <summary>The center's base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The center's services (to play an agent's part, such as reporting events, without a gRPC endpoint).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("Not started.");

    /// <summary>The center's SQLite database file.</summary>
    public string DatabasePath => Path.Combine(_directory, "center.db");

    public async Task InitializeAsync()
    {
        _app = CenterApp.Build([], new Dictionary<string, string?>
        {
            ["Center:Listen"] = "127.0.0.1:0",
            ["Center:Plaintext"] = "true",
            ["Center:DataDirectory"] = _directory,
            ["Center:Bootstrap:AdminUserName"] = AdminUserName,
            ["Center:Bootstrap:AdminPassword"] = AdminPassword,
            // No gRPC endpoint: the admin commands speak REST only (and Url reads the one address bound).
            ["Center:Integration:GrpcListen"] = "",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await _app.StartAsync();
        Url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Enrols an agent as the center's gRPC gateway would (this center has no gRPC endpoint, and there is no REST
    /// enrolment). Returns the agent's and its tenant's ids.</summary>
    public async Task<(string AgentId, Guid TenantId)> EnrolAsync(string enrolmentToken, string hostName)
    {
        await using var scope = Services.CreateAsyncScope();
        var enrolled = await scope.ServiceProvider.GetRequiredService<Lightshield.Center.Integration.AgentEnrolment>().EnrolAsync(
            new Lightshield.Protocol.Center.EnrolRequest
            {
                EnrolmentToken = enrolmentToken,
                HostName = hostName,
                HypervisorHost = "host-a",
                VirtualCpus = 2,
                AgentProofKey = Google.Protobuf.ByteString.CopyFrom(Lightshield.Protocol.Credentials.ProofKey.Generate().PublicKeyInfo)
            },
            default);
        return (enrolled.AgentId, Guid.Parse(enrolled.TenantId));
    }

    /// <summary>A shell of its own: its own stored-login file, no LIGHTSHIELD_* variables.</summary>
    public CliShell Shell() => new(Path.Combine(_directory, $"cli-{Guid.NewGuid():N}", "cli.json"));

    /// <summary>A shell signed in as the bootstrap provider-admin.</summary>
    public async Task<CliShell> ProviderShellAsync()
    {
        var shell = Shell();
        await shell.LoginAsync(Url, null, AdminUserName, AdminPassword);
        return shell;
    }

    /// <summary>A shell signed in as the first tenant-admin (<c>boss</c>) of a new tenant.</summary>
    public async Task<CliShell> TenantShellAsync()
    {
        var provider = await ProviderShellAsync();
        var name = "tenant-" + Guid.NewGuid().ToString("N")[..8];
        var created = await provider.JsonAsync("tenants", "create", "--name", name, "--admin", "boss");
        var tenant = Shell();
        await tenant.LoginAsync(Url, name, "boss", created.GetProperty("adminPassword").GetString()!, "chosen-by-the-tenant-admin");
        return tenant;
    }
}
