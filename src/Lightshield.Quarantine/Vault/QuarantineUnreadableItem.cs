
namespace Lightshield.Quarantine.Vault;

/// <summary>A file in the vault whose header or manifest cannot be read (damaged, or written by a newer version).</summary>
public sealed record QuarantineUnreadableItem(string Id, string Reason);
