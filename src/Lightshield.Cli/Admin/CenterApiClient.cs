using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using Lightshield.Protocol.Transport;

namespace Lightshield.Cli.Admin;

/// <summary>The center's REST API (<c>/api/v1</c>) for the admin commands: JSON in, JSON out, and every failure
/// turned into an <see cref="AdminException"/> whose message says what to do.</summary>
public sealed class CenterApiClient : IDisposable
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;
    private readonly CenterConnection _connection;

    public CenterApiClient(CenterConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) };
        if (connection.CertificateSha256 is { } pin)
        {
            handler.SslOptions = CertificatePin.Options(CertificatePin.TryParse(pin) ?? throw new AdminException(
                $"--center-cert-sha256 {pin}: not a SHA-256 fingerprint (64 hex digits, colons allowed)"));
        }
        _http = new HttpClient(handler) { BaseAddress = new Uri(connection.Center, "api/v1/"), Timeout = TimeSpan.FromSeconds(100) };
        if (connection.Token is { } token)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, cancellationToken);

    /// <summary>GETs an answer that is not JSON (a CSV report) as text.</summary>
    public async Task<string> GetTextAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new AdminException(Unreachable(exception), exception);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? text : throw Problem(response.StatusCode, text);
        }
    }

    /// <summary>POSTs <paramref name="body"/> as JSON (camelCase); null sends no body.</summary>
    public Task<JsonElement> PostAsync(string path, object? body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, body is null ? null : Json(JsonSerializer.Serialize(body, JsonOptions)), cancellationToken);

    /// <summary>PUTs a JSON document as it is (a policy file).</summary>
    public Task<JsonElement> PutJsonAsync(string path, string json, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, path, Json(json), cancellationToken);

    /// <summary>POSTs files as multipart/form-data, one part each (named by file name), plus text fields.</summary>
    public async Task<JsonElement> PostFilesAsync(string path, IReadOnlyList<string> files, IReadOnlyDictionary<string, string?> fields,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(fields);
        using var content = new MultipartFormDataContent();
        var streams = new List<Stream>();
        try
        {
            foreach (var file in files)
            {
                var stream = File.OpenRead(file);
                streams.Add(stream);
                content.Add(new StreamContent(stream), "files", Path.GetFileName(file));
            }
            foreach (var (name, value) in fields)
            {
                if (value is not null)
                {
                    content.Add(new StringContent(value), name);
                }
            }
            return await SendAsync(HttpMethod.Post, path, content, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public Task<JsonElement> DeleteAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, path, null, cancellationToken);

    public void Dispose() => _http.Dispose();

    private AdminException Problem(System.Net.HttpStatusCode status, string text) =>
        new(ProblemMessage.From(status, text, _connection.Token is not null)) { ProblemType = ProblemMessage.TypeOf(text) };

    /// <summary>The answer's JSON; <see cref="JsonValueKind.Undefined"/> for an empty answer (204).</summary>
    private async Task<JsonElement> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new AdminException(Unreachable(exception), exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AdminException($"the center at {_connection.Center} did not answer within {_http.Timeout.TotalSeconds:0} s", exception);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw Problem(response.StatusCode, text);
            }
            if (string.IsNullOrWhiteSpace(text))
            {
                return default;
            }
            try
            {
                using var document = JsonDocument.Parse(text);
                return document.RootElement.Clone();
            }
            catch (JsonException exception)
            {
                throw new AdminException($"the center at {_connection.Center} answered {(int)response.StatusCode} with something that is not JSON "
                    + "(is --center the center's URL?)", exception);
            }
        }
    }

    private string Unreachable(HttpRequestException exception)
    {
        var center = _connection.Center;
        if (exception.InnerException is AuthenticationException)
        {
            return _connection.CertificateSha256 is { } pin
                ? $"TLS: the certificate of {center} does not match --center-cert-sha256 {pin}: refusing to talk to it"
                : $"TLS: the certificate of {center} is not trusted; for a self-signed center pass --center-cert-sha256 FINGERPRINT";
        }
        if (exception.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return $"cannot reach the center at {center}: connection refused (is lightshield-center running there? check --center)";
        }
        return $"cannot reach the center at {center}: {exception.Message}";
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
