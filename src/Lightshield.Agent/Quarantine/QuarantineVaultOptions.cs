using Lightshield.Quarantine.Vault;

namespace Lightshield.Agent.Quarantine;

/// <summary>Settings of an agent's quarantine vault.</summary>
public sealed record QuarantineVaultOptions
{
    public const int DefaultChunkSize = VaultWriter.DefaultChunkSize;

    /// <summary>The vault directory; created with mode 0700 when missing, tightened to 0700 when looser.</summary>
    public required string Directory { get; init; }

    /// <summary>Agent or host id written (in plaintext) into each item's manifest, or null for none.</summary>
    public string? AgentId { get; init; }

    /// <summary>Plaintext bytes per encrypted chunk; default 1 MiB (4 KiB to 16 MiB). Memory used while
    /// quarantining is about three chunks.</summary>
    public int ChunkSize { get; init; } = DefaultChunkSize;
}
