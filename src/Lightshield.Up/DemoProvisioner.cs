using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Lightshield.Quarantine;

namespace Lightshield.Up;

/// <summary>Creates (or finds again) the demo objects of <c>lightshield up</c> through the center's REST API, as an
/// administrator would: the scan-server token, the demo tenant, its quarantine key, its agent group and enrolment token.</summary>
internal sealed class DemoProvisioner(HttpClient http, string dataDirectory)
{
    /// <summary>Fills in what <paramref name="credentials"/> lacks, saving the file after each secret the center shows
    /// only once.</summary>
    public async Task<UpCredentials> ProvisionAsync(UpCredentials credentials, ScanServerSeat scanServer, CancellationToken cancellationToken)
    {
        var provider = await LoginAsync(null, UpCredentials.ProviderAdminUserName, credentials.ProviderAdminPassword, cancellationToken)
            .ConfigureAwait(false);
        if (credentials.ScanServerToken is null)
        {
            var created = await SendAsync(HttpMethod.Post, "scan-servers/tokens", provider, new
            {
                name = "lightshield-up",
                serverId = scanServer.ServerId,
                hypervisorHost = scanServer.HypervisorHost,
                segment = scanServer.Segment,
            }, cancellationToken)
                .ConfigureAwait(false);
            credentials = credentials with { ScanServerToken = created.GetProperty("token").GetString() };
            credentials.Save(dataDirectory);
        }
        if (credentials.TenantAdminPassword is null)
        {
            var created = await SendAsync(HttpMethod.Post, "tenants", provider,
                new { name = UpCredentials.TenantName, adminUserName = UpCredentials.TenantAdminUserName }, cancellationToken).ConfigureAwait(false);
            // The provider chose that password; the tenant's admin must replace it at its first sign-in, as a person would.
            var chosen = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));
            await SendAsync(HttpMethod.Post, "auth/login", null, new
            {
                tenant = UpCredentials.TenantName,
                userName = UpCredentials.TenantAdminUserName,
                password = created.GetProperty("adminPassword").GetString(),
                newPassword = chosen,
            }, cancellationToken).ConfigureAwait(false);
            credentials = credentials with { TenantAdminPassword = chosen };
            credentials.Save(dataDirectory);
        }
        if (credentials.TenantSecret is null)
        {
            // Before the agent enrols, so that it receives the tenant's quarantine public key.
            var admin = await LoginAsync(UpCredentials.TenantName, UpCredentials.TenantAdminUserName, credentials.TenantAdminPassword!,
                cancellationToken).ConfigureAwait(false);
            // Made here, as the CLI does: the center receives the public key and the private key encrypted with the secret.
            var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));
            using var key = QuarantineKeys.Generate();
            await SendAsync(HttpMethod.Post, "quarantine/key", admin, new
            {
                publicKeyPem = QuarantineKeys.ExportPublicKeyPem(key.PublicKey),
                encryptedPrivateKeyPem = QuarantineKeys.ExportPrivateKeyPem(key, secret),
            }, cancellationToken).ConfigureAwait(false);
            credentials = credentials with { TenantSecret = secret };
            credentials.Save(dataDirectory);
        }
        if (credentials.EnrolmentToken is null)
        {
            var admin = await LoginAsync(UpCredentials.TenantName, UpCredentials.TenantAdminUserName, credentials.TenantAdminPassword!,
                cancellationToken).ConfigureAwait(false);
            var groupId = await FindGroupAsync(admin, cancellationToken).ConfigureAwait(false)
                ?? (await SendAsync(HttpMethod.Post, "agent-groups", admin,
                    new { name = UpCredentials.AgentGroupName, description = "The local agent of lightshield up" }, cancellationToken)
                    .ConfigureAwait(false)).GetProperty("id").GetGuid();
            var created = await SendAsync(HttpMethod.Post, "enrolment-tokens", admin, new { name = "lightshield-up", groupId }, cancellationToken)
                .ConfigureAwait(false);
            credentials = credentials with { EnrolmentToken = created.GetProperty("token").GetString() };
            credentials.Save(dataDirectory);
        }
        return credentials;
    }

    /// <summary>Gives the console something to show on first run: plants the EICAR test file (put together at run time)
    /// and a clean file in <c>DATA/demo-files</c> and starts a scan of it on the local agent, which quarantines EICAR
    /// (the default policy's action) and reports the detection. Does nothing once the tenant has a quarantine item or a
    /// task. Returns the demo directory.</summary>
    public async Task<string> SeedDetectionAsync(string tenantToken, Guid agentId, CancellationToken cancellationToken)
    {
        var demo = Path.Combine(dataDirectory, "demo-files");
        var tasks = await GetAsync("tasks", tenantToken, cancellationToken).ConfigureAwait(false);
        var items = await GetAsync("quarantine", tenantToken, cancellationToken).ConfigureAwait(false);
        if (agentId == Guid.Empty || tasks.GetArrayLength() > 0 || items.GetArrayLength() > 0)
        {
            return demo;
        }
        Directory.CreateDirectory(demo);
        await File.WriteAllTextAsync(Path.Combine(demo, "invoice.com"),
            string.Concat(@"X5O!P%@AP[4\PZX54(P^)7CC)7}$", "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(demo, "readme.txt"), "A clean file next to the EICAR test file.", cancellationToken)
            .ConfigureAwait(false);
        await SendAsync(HttpMethod.Post, "tasks", tenantToken, new { kind = "scan", paths = new[] { demo }, agentIds = new[] { agentId } },
            cancellationToken).ConfigureAwait(false);
        return demo;
    }

    /// <summary>Signs in; null tenant for a provider user. Returns the bearer token.</summary>
    public async Task<string> LoginAsync(string? tenant, string userName, string password, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(HttpMethod.Post, "auth/login", null, new { tenant, userName, password }, cancellationToken)
            .ConfigureAwait(false);
        return answer.GetProperty("token").GetString()!;
    }

    /// <summary>GET of an API path (relative to <c>/api/v1/</c>) with a bearer token.</summary>
    public Task<JsonElement> GetAsync(string path, string token, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, token, null, cancellationToken);

    private async Task<Guid?> FindGroupAsync(string token, CancellationToken cancellationToken)
    {
        var groups = await GetAsync("agent-groups", token, cancellationToken).ConfigureAwait(false);
        return groups.EnumerateArray().Where(g => g.GetProperty("name").GetString() == UpCredentials.AgentGroupName)
            .Select(g => (Guid?)g.GetProperty("id").GetGuid()).FirstOrDefault();
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, string? token, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: JsonSerializerOptions.Web);
        }
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new UpException(response.StatusCode == HttpStatusCode.Unauthorized && path == "auth/login"
                ? $"the center refused the saved demo credentials ({UpCredentials.FileName}); the data directory holds a center "
                  + "that was not set up by this 'lightshield up' — use another --data directory"
                : $"{method} /api/v1/{path} answered {(int)response.StatusCode}: {ProblemDetail(text)}");
        }
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string ProblemDetail(string text)
    {
        try
        {
            using var problem = JsonDocument.Parse(text);
            return problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? text : text;
        }
        catch (JsonException)
        {
            return text;
        }
    }
}

/// <summary>The one scan server of <c>lightshield up</c>, which its scan-server token is bound to.</summary>
internal sealed record ScanServerSeat(string ServerId, string HypervisorHost, string Segment)
{
    /// <summary>The center's default segment, where the demo tenant lives.</summary>
    public const string DefaultSegment = "default";
}

/// <summary>A failure of <c>lightshield up</c> with a message for the user.</summary>
internal sealed class UpException(string message) : Exception(message);
