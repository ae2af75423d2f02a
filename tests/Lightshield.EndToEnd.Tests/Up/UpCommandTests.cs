using System.CommandLine;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Lightshield.Quarantine;
using Lightshield.Up;

namespace Lightshield.EndToEnd.Tests.Up;

/// <summary>Runs <c>lightshield up</c> in-process on a temporary data directory and free ports, looks at what it started
/// through the center's REST API, stops it, and runs it again on the same directory.</summary>
public sealed class UpCommandTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("lightshield-up-test-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Up_StartsCenterScanServerAndEnrolledAgent_AndReusesThemOnSecondRun()
    {
        var data = Path.Combine(_work, "up");
        Guid agentId = default;
        string? scanServerId = null;
        UpCredentials? firstCredentials = null;

        var firstOutput = await RunUpAsync(data, async (ready, http) =>
        {
            using (var health = await http.GetAsync(new Uri(ready.Rest, "health/ready")))
            {
                Assert.True(health.IsSuccessStatusCode, $"/health/ready answered {(int)health.StatusCode}");
            }
            var provider = await LoginAsync(http, ready, null, UpCredentials.ProviderAdminUserName, ready.Credentials.ProviderAdminPassword);
            var servers = await GetAsync(http, ready, provider, "scan-servers");
            var server = Assert.Single(servers.EnumerateArray());
            Assert.Equal("up", server.GetProperty("health").GetString());
            scanServerId = server.GetProperty("id").GetString();

            var tenants = await GetAsync(http, ready, provider, "tenants");
            Assert.Equal(UpCredentials.TenantName, Assert.Single(tenants.EnumerateArray()).GetProperty("name").GetString());

            var tenantAdmin = await LoginAsync(http, ready, UpCredentials.TenantName, UpCredentials.TenantAdminUserName,
                ready.Credentials.TenantAdminPassword!);
            var agent = Assert.Single((await GetAsync(http, ready, tenantAdmin, "agents")).EnumerateArray());
            agentId = agent.GetProperty("id").GetGuid();
            Assert.Equal(ready.AgentId, agentId);
            var quarantineKey = await GetAsync(http, ready, tenantAdmin, "quarantine/key");
            Assert.Equal(64, quarantineKey.GetProperty("fingerprint").GetString()!.Length);
            firstCredentials = ready.Credentials;

            // The demo: the agent scans the planted EICAR file and quarantines it, so the console has something to show.
            var demoEicar = Path.Combine(ready.DemoFiles, "invoice.com");
            var deadline = DateTime.UtcNow.AddSeconds(90);
            // Paths are sealed to the tenant key: opened here with the tenant secret, as the CLI and the console do.
            using var tenantKey = QuarantineKeys.ImportPrivateKeyPem(
                (await GetAsync(http, ready, tenantAdmin, "quarantine/key/private")).GetProperty("encryptedPrivateKeyPem").GetString()!,
                ready.Credentials.TenantSecret);
            while (!(await GetAsync(http, ready, tenantAdmin, "quarantine")).EnumerateArray().Any(i =>
                QuarantinePathSeal.Open(tenantKey, i.GetProperty("itemId").GetString()!, i.GetProperty("encryptedPath").GetBytesFromBase64()) == demoEicar))
            {
                Assert.True(DateTime.UtcNow < deadline, "the demo EICAR file was not quarantined within 90 s");
                await Task.Delay(200);
            }
            using var login = await http.GetAsync(new Uri(ready.Rest, "login"));
            Assert.True(login.IsSuccessStatusCode, $"the console's /login answered {(int)login.StatusCode}");
        });

        Assert.Contains("Lightshield is up", firstOutput, StringComparison.Ordinal);
        Assert.Contains(firstCredentials!.ProviderAdminPassword, firstOutput, StringComparison.Ordinal);
        Assert.Contains(firstCredentials.TenantAdminPassword!, firstOutput, StringComparison.Ordinal);
        Assert.Contains(firstCredentials.TenantSecret!, firstOutput, StringComparison.Ordinal);
        Assert.Contains("/api/reference", firstOutput, StringComparison.Ordinal);
        Assert.Contains("Web console", firstOutput, StringComparison.Ordinal);
        var credentialsFile = UpCredentials.PathIn(data);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentialsFile));

        // Second run on the same data directory: same users, tenant, scan server and agent; nothing created twice.
        await RunUpAsync(data, async (ready, http) =>
        {
            Assert.Equal(firstCredentials, ready.Credentials);
            var provider = await LoginAsync(http, ready, null, UpCredentials.ProviderAdminUserName, ready.Credentials.ProviderAdminPassword);
            Assert.Single((await GetAsync(http, ready, provider, "tenants")).EnumerateArray());
            var server = Assert.Single((await GetAsync(http, ready, provider, "scan-servers")).EnumerateArray());
            Assert.Equal(scanServerId, server.GetProperty("id").GetString());
            Assert.Equal("up", server.GetProperty("health").GetString());

            var tenantAdmin = await LoginAsync(http, ready, UpCredentials.TenantName, UpCredentials.TenantAdminUserName,
                ready.Credentials.TenantAdminPassword!);
            var agent = Assert.Single((await GetAsync(http, ready, tenantAdmin, "agents")).EnumerateArray());
            Assert.Equal(agentId, agent.GetProperty("id").GetGuid());
            Assert.Single((await GetAsync(http, ready, tenantAdmin, "agent-groups")).EnumerateArray());
            Assert.Single((await GetAsync(http, ready, tenantAdmin, "tasks")).EnumerateArray());
        });
    }

    [Fact]
    public async Task Up_PortTaken_ExitsTwoNamingThePort()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await UpCommand.Create(onReady: null)
            .Parse(["--data", Path.Combine(_work, "taken"), "--port-base", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error });

        Assert.Equal(2, exitCode);
        Assert.Contains($"port {port}", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("in use", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Runs <c>up --port-base 0</c> until it is ready, runs <paramref name="whileUp"/>, cancels it (as Ctrl+C does)
    /// and expects a clean exit. Returns what it printed.</summary>
    private static async Task<string> RunUpAsync(string data, Func<UpReady, HttpClient, Task> whileUp)
    {
        var readySource = new TaskCompletionSource<UpReady>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var run = UpCommand.Create(readySource.SetResult)
            .Parse(["--data", data, "--port-base", "0"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, stop.Token);

        var first = await Task.WhenAny(readySource.Task, run);
        Assert.True(first == readySource.Task, $"lightshield up ended before it was ready (exit {(run.IsCompleted ? run.Result : -1)}): {error}");
        try
        {
            using var http = new HttpClient();
            await whileUp(readySource.Task.Result, http);
        }
        finally
        {
            await stop.CancelAsync();
            var exitCode = await run;
            Assert.True(exitCode == 0, $"lightshield up exited {exitCode}: {error}");
        }
        return output.ToString();
    }

    private static async Task<string> LoginAsync(HttpClient http, UpReady ready, string? tenant, string userName, string password)
    {
        using var response = await http.PostAsJsonAsync(new Uri(ready.Rest, "api/v1/auth/login"), new { tenant, userName, password });
        Assert.True(response.IsSuccessStatusCode, $"login of {userName} answered {(int)response.StatusCode}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private static async Task<JsonElement> GetAsync(HttpClient http, UpReady ready, string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ready.Rest, $"api/v1/{path}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
