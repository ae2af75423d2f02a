using Lightshield.Center.ScanPolicies;

namespace Lightshield.Center.Hierarchy;

/// <summary>The provider's reset-to-default, wherever the tenant's policies live: applied here for a hosted tenant,
/// sent down the link as an order for a tenant with its own center (applied there once). The REST API and the console
/// both call this.</summary>
public sealed class ProviderPolicyReset(PolicyReset reset, TenantCenters centers)
{
    public async Task<PolicyResetResponse> ResetAsync(Guid tenantId, string providerActor, CancellationToken cancellationToken)
    {
        if (await centers.HasOwnCenterAsync(tenantId, cancellationToken))
        {
            var order = await centers.QueueResetAsync(tenantId, providerActor, cancellationToken);
            return new PolicyResetResponse(tenantId, 0, order.Id);
        }
        return new PolicyResetResponse(tenantId, await reset.ResetTenantAsync(tenantId, providerActor, cancellationToken));
    }
}
