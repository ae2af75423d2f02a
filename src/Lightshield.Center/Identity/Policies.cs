using Microsoft.AspNetCore.Authorization;

namespace Lightshield.Center.Identity;

/// <summary>Authorization policies, each a set of roles.</summary>
public static class Policies
{
    public const string ProviderAdmin = "provider-admin";
    public const string ProviderStaff = "provider-staff";
    public const string TenantAdmin = "tenant-admin";
    public const string TenantOperator = "tenant-operator";
    public const string TenantReader = "tenant-reader";
    public const string Administrators = "administrators";
    public const string AuditReaders = "audit-readers";

    public static void Add(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Require(options, ProviderAdmin, Roles.ProviderAdmin);
        Require(options, ProviderStaff, Roles.ProviderAdmin, Roles.ProviderOperator);
        Require(options, TenantAdmin, Roles.TenantAdmin);
        Require(options, TenantOperator, Roles.TenantAdmin, Roles.TenantOperator);
        Require(options, TenantReader, Roles.TenantAdmin, Roles.TenantOperator, Roles.TenantAuditor);
        Require(options, Administrators, Roles.ProviderAdmin, Roles.TenantAdmin);
        Require(options, AuditReaders, Roles.ProviderAdmin, Roles.ProviderOperator, Roles.TenantAdmin, Roles.TenantAuditor);
    }

    private static void Require(AuthorizationOptions options, string name, params string[] roles) =>
        options.AddPolicy(name, policy => policy.RequireAuthenticatedUser().RequireRole(roles));
}
