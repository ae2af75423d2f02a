using System.Security.Claims;
using Lightshield.Center.Hosting;
using Lightshield.Center.Identity;
using Lightshield.Center.WebConsole.Components;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace Lightshield.Center.WebConsole;

/// <summary>Wiring of the web console: Blazor with server interactivity and MudBlazor components, cookie sign-in
/// against the center's users, the circuit's tenant scope.</summary>
public static class ConsoleServiceExtensions
{
    public const string LoginPath = "/login";
    public const string LogoutPath = "/logout";

    public static WebApplicationBuilder AddConsole(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddCenterAuthentication();
        // Outside a publish (dotnet run, lightshield up, tests) the assets stay in their packages: their manifest maps them.
        if (File.Exists(ConsoleStaticAssets.RuntimeManifest()))
        {
            builder.WebHost.UseSetting(WebHostDefaults.StaticWebAssetsKey, ConsoleStaticAssets.RuntimeManifest());
            builder.WebHost.UseStaticWebAssets();
        }
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<AuthenticationStateProvider, ConsoleAuthenticationStateProvider>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, ConsoleCircuitScope>());
        builder.Services.TryAddScoped<ConsoleWork>();

        // Cookie keys live in the data directory, so a restart does not sign everybody out.
        builder.Services.AddDataProtection().SetApplicationName("lightshield-center");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IOptions<CenterOptions>, ILoggerFactory>((keys, center, logs) =>
            keys.XmlRepository = new FileSystemXmlRepository(
                Directory.CreateDirectory(Path.Combine(center.Value.DataDirectory, "console-keys"),
                    UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), logs));

        builder.Services.AddOptions<CookieAuthenticationOptions>(ConsoleSchemes.Cookie).Configure<IOptions<CenterOptions>>((cookie, center) =>
        {
            cookie.Cookie.Name = "lightshield.console";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            // Served over TLS (the default) the cookie is Secure; over loopback HTTP (Center:Plaintext) it could not be.
            cookie.Cookie.SecurePolicy = center.Value.Plaintext ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            cookie.LoginPath = LoginPath;
            cookie.AccessDeniedPath = "/denied";
            cookie.ExpireTimeSpan = center.Value.LoginTokenLifetime;
            cookie.SlidingExpiration = false;
            cookie.Events.OnValidatePrincipal = ValidateSessionAsync;
        });
        return builder;
    }

    /// <summary>The authentication schemes of the center: bearer tokens for the API, the console's cookie for pages.</summary>
    public static AuthenticationBuilder AddCenterAuthentication(this IServiceCollection services) =>
        services.AddAuthentication(ConsoleSchemes.Selector)
            .AddPolicyScheme(ConsoleSchemes.Selector, "API token or console cookie", policy => policy.ForwardDefaultSelector = ConsoleSchemes.For)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddCookie(ConsoleSchemes.Cookie);

    public static WebApplication MapConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // A host without the manifest (a test project of another component) serves the API and pages without styling.
        if (File.Exists(ConsoleStaticAssets.EndpointsManifest()))
        {
            app.MapStaticAssets(ConsoleStaticAssets.EndpointsManifest());
        }
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapPost(LogoutPath, SignOutAsync).RequireAuthorization().ExcludeFromDescription();
        return app;
    }

    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var signIn = context.HttpContext.RequestServices.GetRequiredService<PasswordSignIn>();
        if (context.Principal?.FindFirstValue(CenterClaims.TokenId) is not { } tokenId || !Guid.TryParse(tokenId, out var id)
            || !await signIn.IsSessionValidAsync(id, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(ConsoleSchemes.Cookie);
        }
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, PasswordSignIn signIn)
    {
        if (context.User.FindFirstValue(CenterClaims.TokenId) is { } tokenId && Guid.TryParse(tokenId, out var id))
        {
            await signIn.RevokeAsync(id, context.RequestAborted);
        }
        await context.SignOutAsync(ConsoleSchemes.Cookie);
        return TypedResults.LocalRedirect(LoginPath);
    }
}
