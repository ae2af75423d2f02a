using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Lightshield.Center.Hosting;

/// <summary>Declares the bearer-token scheme in the OpenAPI document, so the reference page can send a token.</summary>
internal sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API token (POST /api/v1/auth/login or POST /api/v1/tokens).",
        };
        return Task.CompletedTask;
    }
}
