namespace Lightshield.Center.Api;

/// <summary>The REST API under <c>/api/v1</c>. Handlers never filter by tenant: the database context does.</summary>
public static class ApiEndpoints
{
    public const string Prefix = "/api/v1";

    public static IEndpointRouteBuilder MapCenterApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix);
        api.MapAuthEndpoints();
        api.MapSegmentEndpoints();
        api.MapTenantEndpoints();
        api.MapUserEndpoints();
        api.MapTokenEndpoints();
        api.MapAgentGroupEndpoints();
        api.MapEnrolmentTokenEndpoints();
        api.MapAgentEndpoints();
        api.MapPolicyEndpoints();
        api.MapTaskEndpoints();
        api.MapEventEndpoints();
        api.MapQuarantineEndpoints();
        api.MapScanServerEndpoints();
        api.MapUpdateEndpoints();
        api.MapAuditEndpoints();
        return app;
    }
}
