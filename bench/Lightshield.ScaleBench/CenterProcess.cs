using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Lightshield.ScaleBench;

/// <summary>The real <c>lightshield-center</c> (as built in <c>src/Lightshield.Center/bin</c>) in a process of its own on
/// SQLite in a temporary directory, REST and gRPC on loopback without TLS; its memory is read from <c>/proc</c>.</summary>
internal sealed class CenterProcess : IAsyncDisposable
{
    private const string AdminPassword = "scale-bench-password-1234";
    private readonly ProcessStartInfo _start;
    private readonly DirectoryInfo _data;
    private Process _process;

    private CenterProcess(ProcessStartInfo start, DirectoryInfo data, Uri rest, Uri grpc)
    {
        _start = start;
        _process = Launch(start);
        _data = data;
        Rest = rest;
        Grpc = grpc;
    }

    public Uri Rest { get; }

    public Uri Grpc { get; }

    /// <summary>Resident memory now, from <c>/proc/PID/status</c>.</summary>
    public long ResidentBytes => File.ReadLines($"/proc/{_process.Id}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
        .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024).First();

    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<CenterProcess> StartAsync(IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var binary = Path.Combine(RepositoryRoot(), "src", "Lightshield.Center", "bin", "Release", "net10.0", "lightshield-center.dll");
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"{binary} is missing: build the center first (dotnet build src/Lightshield.Center -c Release)");
        }
        var data = Directory.CreateTempSubdirectory("lightshield-scale-");
        var (restPort, grpcPort) = (FreePort(), FreePort());
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(binary);
        var environment = new Dictionary<string, string>
        {
            ["Center__Listen"] = $"127.0.0.1:{restPort}",
            ["Center__Plaintext"] = "true",
            ["Center__Integration__GrpcListen"] = $"127.0.0.1:{grpcPort}",
            ["Center__Integration__Plaintext"] = "true",
            ["Center__DataDirectory"] = data.FullName,
            ["Center__Bootstrap__AdminUserName"] = "root",
            ["Center__Bootstrap__AdminPassword"] = AdminPassword,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }
        foreach (var (key, value) in environment)
        {
            start.Environment["LIGHTSHIELD_" + key] = value;
        }
        var center = new CenterProcess(start, data, new Uri($"http://127.0.0.1:{restPort}"), new Uri($"http://127.0.0.1:{grpcPort}"));
        try
        {
            await center.WaitReadyAsync(cancellationToken);
            return center;
        }
        catch
        {
            await center.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the center (as a crash or an OOM kill would) and starts it again on the same ports and database;
    /// returns once it answers ready.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(cancellationToken);
        _process.Dispose();
        _process = Launch(_start);
        await WaitReadyAsync(cancellationToken);
    }

    private static Process Launch(ProcessStartInfo start)
    {
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text && (text.Contains("fail:", StringComparison.Ordinal) || text.Contains("crit:", StringComparison.Ordinal) || text.Contains("Exception", StringComparison.Ordinal) || text.Contains("at Lightshield.", StringComparison.Ordinal)))
            {
                Console.Error.WriteLine($"  center: {text}");
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                Console.Error.WriteLine($"  center: {line.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = Rest };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var ready = await client.GetAsync("/health/ready", cancellationToken);
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (attempt < 600 && !_process.HasExited)
            {
            }
            if (attempt >= 600 || _process.HasExited)
            {
                throw new InvalidOperationException("the center did not become ready");
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>A REST token of the provider administrator.</summary>
    public async Task<string> ProviderTokenAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = Rest };
        return await LoginAsync(client, null, "root", AdminPassword, null, cancellationToken);
    }

    /// <summary>A tenant with one agent group and an enrolment token for it; returns the tenant admin's REST token and the
    /// enrolment token.</summary>
    public async Task<(string AdminToken, Guid GroupId, string EnrolmentToken)> CreateTenantAsync(string name, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = Rest };
        var provider = await LoginAsync(client, null, "root", AdminPassword, null, cancellationToken);
        client.DefaultRequestHeaders.Authorization = new("Bearer", provider);
        var created = await PostAsync(client, "/api/v1/tenants", new { name, timeZone = "Europe/Berlin", adminUserName = "admin" }, cancellationToken);
        var password = created["adminPassword"]!.GetValue<string>();
        client.DefaultRequestHeaders.Authorization = null;
        var admin = await LoginAsync(client, name, "admin", password, "chosen-" + password, cancellationToken);
        client.DefaultRequestHeaders.Authorization = new("Bearer", admin);
        var group = await PostAsync(client, "/api/v1/agent-groups", new { name = "simulated" }, cancellationToken);
        var groupId = group["id"]!.GetValue<Guid>();
        var token = await PostAsync(client, "/api/v1/enrolment-tokens", new { name = "simulated", groupId }, cancellationToken);
        return (admin, groupId, token["token"]!.GetValue<string>());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _data.Delete(recursive: true);
    }

    public static async Task<JsonObject> PostAsync(HttpClient client, string path, object body, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync(path, body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(text)!.AsObject()
            : throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
    }

    private static async Task<string> LoginAsync(HttpClient client, string? tenant, string user, string password, string? newPassword,
        CancellationToken cancellationToken) =>
        (await PostAsync(client, "/api/v1/auth/login", new { tenant, userName = user, password, newPassword }, cancellationToken))["token"]!.GetValue<string>();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Lightshield.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("run the simulator from the repository (Lightshield.slnx not found above it)");
    }
}
