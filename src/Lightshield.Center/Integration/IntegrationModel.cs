using Lightshield.Center.Agents;
using Lightshield.Protocol.Center;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Integration;

/// <summary>Tables of the integration service: scan servers, their tokens, the signing keys, agent status.</summary>
internal static class IntegrationModel
{
    public static void Configure(ModelBuilder model)
    {
        model.Entity<ScanServer>(server =>
        {
            server.ToTable("scan_servers");
            server.Property(s => s.Id).HasMaxLength(100);
            server.Property(s => s.Address).HasMaxLength(500);
            server.Property(s => s.CertificateSha256).HasMaxLength(100);
            server.Property(s => s.HypervisorHost).HasMaxLength(255);
            server.Property(s => s.Segment).HasMaxLength(200);
            server.Property(s => s.Site).HasMaxLength(SiteNames.MaxLength);
            server.Property(s => s.EngineVersion).HasMaxLength(100);
            server.Property(s => s.DatabaseVersion).HasMaxLength(200);
            server.HasIndex(s => s.Segment);
        });
        model.Entity<ScanServerToken>(token =>
        {
            token.ToTable("scan_server_tokens");
            token.Property(t => t.Name).HasMaxLength(200);
            token.Property(t => t.SecretHash).HasMaxLength(64);
            token.Property(t => t.ServerId).HasMaxLength(100);
            token.Property(t => t.HypervisorHost).HasMaxLength(255);
            token.Property(t => t.Segment).HasMaxLength(200);
            token.Property(t => t.Site).HasMaxLength(SiteNames.MaxLength);
            token.HasIndex(t => t.SecretHash).IsUnique();
        });
        model.Entity<CredentialTombstone>(tombstone =>
        {
            tombstone.ToTable("credential_tombstones");
            tombstone.HasKey(t => t.CredentialId);
        });
        model.Entity<StoredSigningKey>(key =>
        {
            key.ToTable("credential_signing_keys");
            key.HasKey(k => k.KeyId);
            key.Property(k => k.KeyId).HasMaxLength(64);
            key.Property(k => k.PublicKey).HasMaxLength(500);
        });
        model.Entity<AgentStatus>(status =>
        {
            status.ToTable("agent_status");
            status.HasKey(s => s.AgentId);
            status.Property(s => s.OperatingSystem).HasMaxLength(200);
            status.Property(s => s.Kernel).HasMaxLength(200);
            status.Property(s => s.ScanServer).HasMaxLength(500);
            status.Property(s => s.DatabaseVersion).HasMaxLength(200);
            status.HasIndex(s => s.TenantId);
            status.HasOne<Agent>().WithOne().HasForeignKey<AgentStatus>(s => s.AgentId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
