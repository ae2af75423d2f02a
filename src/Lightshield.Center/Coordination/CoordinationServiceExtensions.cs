using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lightshield.Center.Coordination;

/// <summary>Wiring of the coordination between center instances on one database: this instance's identity and its
/// background leases (<see cref="ExclusiveBackgroundJob"/>s register themselves in their features).</summary>
public static class CoordinationServiceExtensions
{
    public static IHostApplicationBuilder AddCoordination(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<CenterInstance>();
        builder.Services.TryAddSingleton<BackgroundLeases>();
        return builder;
    }

    internal static void Configure(ModelBuilder model) =>
        model.Entity<BackgroundLease>(lease =>
        {
            lease.ToTable("background_leases");
            lease.HasKey(l => l.Job);
            lease.Property(l => l.Job).HasMaxLength(100);
            lease.Property(l => l.Holder).HasMaxLength(CenterInstance.MaxIdLength);
        });
}
