using System.Security.Claims;
using Lightshield.Center.Identity;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Lightshield.Center.WebConsole;

/// <summary>Checks every minute that an open circuit's session is still good (not signed out elsewhere, not expired,
/// tenant not suspended); when it is not, the console shows the sign-in prompt instead of the page.</summary>
internal sealed class ConsoleAuthenticationStateProvider(ILoggerFactory loggerFactory, PasswordSignIn signIn)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        authenticationState.User.FindFirstValue(CenterClaims.TokenId) is { } tokenId
            && Guid.TryParse(tokenId, out var id)
            && await signIn.IsSessionValidAsync(id, cancellationToken);
}
