using Lightshield.Center.Identity;
using Lightshield.Center.Tenancy;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Lightshield.Center.WebConsole;

/// <summary>A Blazor circuit has its own DI scope, so its <see cref="CurrentTenantScope"/> is set here, once, from the
/// signed-in cookie user before the circuit renders anything (through <see cref="PrincipalScope"/>, as for requests).
/// Pages never filter by tenant: the database context of the circuit does.</summary>
internal sealed class ConsoleCircuitScope(AuthenticationStateProvider authentication, CurrentTenantScope scope, CurrentActor actor)
    : CircuitHandler
{
    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        PrincipalScope.Apply(state.User, scope, actor);
    }
}
