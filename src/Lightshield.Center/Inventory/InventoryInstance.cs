using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Inventory;

/// <summary>One VM as the provider's cloud platform knows it: its instance id (what the hypervisor gives the guest as
/// its DMI product UUID), the tenant it belongs to and the vCPUs that tenant pays for. Imported by the provider; nothing
/// a VM sends changes it. The provider's row, never a tenant's.</summary>
public sealed class InventoryInstance : IProviderInfrastructure
{
    /// <summary>Lower case (<see cref="Protocol.Center.InstanceIds.Normalize"/>).</summary>
    public required string InstanceId { get; set; }

    public Guid TenantId { get; set; }

    public int Vcpus { get; set; }

    public DateTimeOffset ImportedAt { get; set; }

    public required string ImportedBy { get; set; }
}
