namespace Lightshield.Center.Tenancy;

/// <summary>The scope of the current request or unit of work (one per DI scope). Set once, by the
/// authentication step of a request or by the code that opens a system scope; read by the database context.</summary>
public sealed class CurrentTenantScope
{
    private TenantScope? _scope;

    public TenantScope Scope => _scope ?? TenantScope.None;

    /// <summary>Sets the scope. Refuses to change it once set, so nothing can widen a request's view halfway.</summary>
    public void Set(TenantScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (_scope is not null && _scope != scope)
        {
            throw new InvalidOperationException($"The tenant scope is already {_scope}; it cannot become {scope}.");
        }
        _scope = scope;
    }
}
