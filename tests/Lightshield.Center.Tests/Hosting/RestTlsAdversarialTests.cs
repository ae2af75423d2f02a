using System.Net;
using System.Net.Http.Json;
using Lightshield.Center.Identity;
using Lightshield.Center.Tests.Console;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Protocol.Transport;

namespace Lightshield.Center.Tests.Hosting;

/// <summary>A center with its default transport (no <c>Center:Plaintext</c>): the REST API and the console.</summary>
public sealed class TlsLiveCenter : LiveCenter<SqliteTestDatabase>
{
    protected override void Configure(IDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Remove("Center:Plaintext");
    }
}

/// <summary>The network between a client and the center's REST API and console: by default they answer only over TLS
/// with the center's self-signed certificate (the gRPC endpoint's, pinned by the same fingerprint), a client that does
/// not pin it gets nothing, and the console's session cookie is Secure.</summary>
public sealed class RestTlsAdversarialTests(TlsLiveCenter center, ConsoleBrowser browser) : IClassFixture<TlsLiveCenter>, IClassFixture<ConsoleBrowser>
{
    [Fact]
    public async Task The_api_answers_only_over_tls_and_only_to_a_client_that_pins_the_centers_certificate()
    {
        Assert.Equal(Uri.UriSchemeHttps, center.RestAddress.Scheme);
        var health = new Uri(center.RestAddress, "/health/live");

        using (var pinned = Client(CertificatePin.Options(CertificatePin.TryParse(center.CertificateFingerprint)!)))
        {
            using var answer = await pinned.GetAsync(health);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            using var login = await pinned.PostAsJsonAsync(new Uri(center.RestAddress, "/api/v1/auth/login"),
                new LoginRequest(null, LiveCenter<SqliteTestDatabase>.AdminUserName, LiveCenter<SqliteTestDatabase>.AdminPassword));
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        // A client that trusts the system's authorities, or pins another certificate (a man in the middle's view).
        using (var unpinned = Client(null))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => unpinned.GetAsync(health));
        }
        using (var wrongPin = Client(CertificatePin.Options(new byte[32])))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => wrongPin.GetAsync(health));
        }
        // Plain HTTP to the same port: no answer at all, so a password sent that way is never read.
        using var plain = Client(null);
        var plainUri = new UriBuilder(health) { Scheme = Uri.UriSchemeHttp }.Uri;
        var plainAnswered = false;
        try
        {
            using var answer = await plain.GetAsync(plainUri);
            plainAnswered = answer.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
        }
        Assert.False(plainAnswered, "the API answered plain HTTP on its TLS port");
    }

    [Fact]
    public async Task The_console_signs_in_over_tls_with_a_secure_session_cookie()
    {
        await using var tab = await browser.OpenAsync(center.RestAddress, acceptSelfSignedCertificate: true);
        var tenant = await center.Driver.CreateTenantAsync();
        await tab.SignInAsync(tenant.Name, "admin", tenant.AdminPassword);
        await tab.OpenAsync("quarantine", "#create-key");
        var session = Assert.Single(await tab.Page.Context.CookiesAsync(), c => c.Name == "lightshield.console");
        Assert.True(session.Secure, "the console's session cookie is not Secure over TLS");
        Assert.True(session.HttpOnly);
    }

    private static HttpClient Client(System.Net.Security.SslClientAuthenticationOptions? tls)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) };
        if (tls is not null)
        {
            handler.SslOptions = tls;
        }
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }
}
