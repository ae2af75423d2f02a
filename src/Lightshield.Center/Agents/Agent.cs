using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Agents;

/// <summary>An enrolled light agent on one VM, identified by its credential, never by its address.</summary>
public sealed class Agent : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid GroupId { get; set; }

    public required string HostName { get; set; }

    /// <summary>The hypervisor host the VM runs on, for scan-server assignment.</summary>
    public required string HypervisorHost { get; set; }

    /// <summary>The most vCPUs one VM can have, whether it declares them or the inventory lists them.</summary>
    public const int MaxVcpus = 4096;

    /// <summary>vCPUs billed: the provider's inventory's when the agent is bound to an instance of it, else what the VM
    /// declares.</summary>
    public int Vcpus { get; set; }

    /// <summary>The inventory instance this agent is bound to (one agent per instance), or null.</summary>
    public string? InventoryInstanceId { get; set; }

    /// <summary>Id of the per-agent credential issued at enrolment.</summary>
    public required string CredentialId { get; set; }

    public DateTimeOffset EnrolledAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Expiry of the newest credential issued to the agent (null before one was issued). Revoked credential ids
    /// are announced to scan servers until then.</summary>
    public DateTimeOffset? CredentialExpiresAt { get; set; }

    /// <summary>The agent's own RSA public key (DER SubjectPublicKeyInfo) sent at enrolment: restore orders are wrapped to it.
    /// Null for agents enrolled without one (they cannot receive restores).</summary>
    public byte[]? PublicKey { get; set; }
}
