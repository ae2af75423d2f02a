using Lightshield.Center.Agents;
using Lightshield.Center.Tenants;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Billing;

/// <summary>Tables of metering: agent presence stretches and the hourly usage buckets.</summary>
internal static class BillingModel
{
    public static void Configure(ModelBuilder model)
    {
        model.Entity<AgentPresence>(presence =>
        {
            presence.ToTable("agent_presence");
            presence.HasIndex(p => new { p.AgentId, p.Until });
            presence.HasIndex(p => new { p.Until, p.From });
            presence.HasIndex(p => p.TenantId);
            presence.HasOne<Agent>().WithMany().HasForeignKey(p => p.AgentId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<UsageHour>(hour =>
        {
            hour.ToTable("usage_hours");
            hour.HasKey(h => new { h.TenantId, h.Hour });
            hour.HasIndex(h => h.Hour);
            hour.HasOne<Tenant>().WithMany().HasForeignKey(h => h.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
