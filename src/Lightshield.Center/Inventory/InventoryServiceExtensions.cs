using Lightshield.Center.Api;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lightshield.Center.Inventory;

/// <summary>Wiring of the provider's VM inventory: <c>/api/v1/inventory</c>, and the vCPUs enrolment takes from it.</summary>
public static class InventoryServiceExtensions
{
    public static IHostApplicationBuilder AddInventory(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<InventoryOptions>().BindConfiguration(InventoryOptions.Section);
        builder.Services.TryAddSingleton<ProviderInventory>();
        return builder;
    }

    public static IEndpointRouteBuilder MapInventory(this IEndpointRouteBuilder app)
    {
        ApiEndpoints.Group(app).MapInventoryEndpoints();
        return app;
    }
}
