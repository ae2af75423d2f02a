using System.Net;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Hosting;

/// <summary>Reports every configuration error at once, before the center starts.</summary>
public sealed class CenterOptionsValidator : IValidateOptions<CenterOptions>
{
    /// <summary>Shortest bootstrap password accepted.</summary>
    public const int MinimumPasswordLength = 12;

    public ValidateOptionsResult Validate(string? name, CenterOptions options)
    {
        var errors = new List<string>();
        if (!IPEndPoint.TryParse(options.Listen, out var listen))
        {
            errors.Add($"Center:Listen '{options.Listen}' is not an address:port such as 127.0.0.1:7500.");
        }
        else if (options.Plaintext && !IPAddress.IsLoopback(listen.Address))
        {
            errors.Add($"Center:Plaintext is only allowed on a loopback address; {options.Listen} is not. Use TLS (the default).");
        }
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add("Center:DataDirectory must not be empty.");
        }
        switch (options.Database.Provider)
        {
            case DatabaseProviders.Sqlite:
                break;
            case DatabaseProviders.Postgres when string.IsNullOrWhiteSpace(options.Database.ConnectionString):
                errors.Add("Center:Database:ConnectionString is required when Center:Database:Provider is 'postgres' "
                    + "(for example 'Host=127.0.0.1;Port=5432;Database=lightshield;Username=lightshield;Password=...').");
                break;
            case DatabaseProviders.Postgres:
                break;
            default:
                errors.Add($"Center:Database:Provider '{options.Database.Provider}' is not supported; use 'sqlite' or 'postgres'.");
                break;
        }
        if (options.Role is not (CenterRoles.Provider or CenterRoles.Tenant))
        {
            errors.Add($"Center:Role '{options.Role}' is not a role; use 'provider' (the main center, default) or 'tenant'.");
        }
        if (string.IsNullOrWhiteSpace(options.Bootstrap.AdminUserName))
        {
            errors.Add("Center:Bootstrap:AdminUserName must not be empty.");
        }
        if (options.Bootstrap.AdminPassword is { Length: < MinimumPasswordLength })
        {
            errors.Add($"Center:Bootstrap:AdminPassword must have at least {MinimumPasswordLength} characters.");
        }
        if (options.LoginTokenLifetime <= TimeSpan.Zero || options.LoginTokenLifetime > TimeSpan.FromDays(30))
        {
            errors.Add($"Center:LoginTokenLifetime must be positive and at most 30 days, not {options.LoginTokenLifetime}.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
