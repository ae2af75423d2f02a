using Lightshield.Center.Agents;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Health;

/// <summary>The <c>agent_health</c> table.</summary>
internal static class HealthModel
{
    public static void Configure(ModelBuilder model)
    {
        model.Entity<AgentHealth>(health =>
        {
            health.ToTable("agent_health");
            health.HasKey(h => h.AgentId);
            health.Property(h => h.OnAccessFailure).HasMaxLength(HealthReportLimits.MaxText);
            health.Property(h => h.FileSystemsJson).HasMaxLength(HealthReportLimits.MaxFileSystemsJson);
            health.Property(h => h.UpdateManager).HasMaxLength(20);
            health.Property(h => h.FailedUnitsJson).HasMaxLength(HealthReportLimits.MaxFailedUnitsJson);
            health.Property(h => h.FirewallState).HasMaxLength(16);
            health.Property(h => h.FirewallRulesSha256).HasMaxLength(64);
            health.Property(h => h.FirewallCountersJson).HasMaxLength(HealthReportLimits.MaxFirewallCountersJson);
            health.Property(h => h.FirewallLeftOutJson).HasMaxLength(HealthReportLimits.MaxFirewallLeftOutJson);
            health.HasIndex(h => h.TenantId);
            health.HasOne<Agent>().WithOne().HasForeignKey<AgentHealth>(h => h.AgentId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
