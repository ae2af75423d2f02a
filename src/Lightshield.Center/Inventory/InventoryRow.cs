namespace Lightshield.Center.Inventory;

/// <summary>One instance of an import: its id, its tenant (id or name) and its vCPUs.</summary>
public sealed record InventoryRow(string? InstanceId, string? Tenant, int? Vcpus);

/// <summary>What an import changed.</summary>
/// <param name="AgentsUpdated">Enrolled agents whose vCPUs (or, for an instance moved to another tenant, binding) changed.</param>
public sealed record InventoryImportResult(int Added, int Changed, int Unchanged, int AgentsUpdated);
