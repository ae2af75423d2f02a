using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;

namespace Lightshield.Center.WebConsole;

/// <summary>Runs one console action (a page load, a button) in its own DI scope — a fresh database context, as a REST
/// request has — bound to the circuit's tenant scope and actor, which <see cref="ConsoleCircuitScope"/> set once.
/// A circuit lives for minutes; one long-lived context would serve stale rows and refuse concurrent queries.</summary>
public sealed class ConsoleWork(IServiceScopeFactory scopes, CurrentTenantScope scope, CurrentActor actor)
{
    public async Task<T> RunAsync<T>(Func<IServiceProvider, CenterDbContext, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (scope.Scope.Kind == TenantScopeKind.System)
        {
            throw new InvalidOperationException("A console circuit never runs in the system scope.");
        }
        await using var unit = scopes.CreateScope(scope.Scope);
        var unitActor = unit.ServiceProvider.GetRequiredService<CurrentActor>();
        unitActor.Name = actor.Name;
        unitActor.UserId = actor.UserId;
        unitActor.TokenId = actor.TokenId;
        return await work(unit.ServiceProvider, unit.ServiceProvider.GetRequiredService<CenterDbContext>());
    }

    public Task RunAsync(Func<IServiceProvider, CenterDbContext, Task> work) =>
        RunAsync<bool>(async (services, db) =>
        {
            await work(services, db);
            return true;
        });

    /// <summary>The circuit's scope (for showing which side the user is on; access is the database context's).</summary>
    public TenantScope Scope => scope.Scope;
}
