namespace Lightshield.Center.Inventory;

/// <summary><c>Center:Inventory</c>: whether an agent must be a VM of the provider's inventory to enrol.</summary>
public sealed class InventoryOptions
{
    public const string Section = "Center:Inventory";

    /// <summary>Refuse to enrol a VM whose instance id the inventory does not list for the enrolment token's tenant.
    /// Default false: such a VM enrols with the vCPUs it declares (the inventory, where it lists the VM, still wins).</summary>
    public bool Required { get; init; }
}
