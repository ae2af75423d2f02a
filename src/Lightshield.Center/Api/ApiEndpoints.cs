using Lightshield.Center.Queries;

namespace Lightshield.Center.Api;

/// <summary>The REST API under <c>/api/v1</c>: each feature maps its endpoints into a group from <see cref="Group"/>.
/// Handlers never filter by tenant (the database context does) and never check a filter or page themselves (the
/// feature's query and command services do; a refusal is answered here, as 400 with its message).</summary>
public static class ApiEndpoints
{
    public const string Prefix = "/api/v1";

    /// <summary>A route group under <see cref="Prefix"/> that answers <see cref="InvalidRequestException"/> as 400.</summary>
    public static RouteGroupBuilder Group(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup(Prefix);
        api.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (InvalidRequestException e)
            {
                return ApiProblems.BadRequest(e.Message);
            }
        });
        return api;
    }
}
