using Lightshield.Center.Api;
using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Tenants;

/// <summary><c>/api/v1/segments</c>: the provider's segments.</summary>
internal static class SegmentEndpoints
{
    public static void MapSegmentEndpoints(this RouteGroupBuilder api)
    {
        var segments = api.MapGroup("/segments").WithTags("Segments").RequireAuthorization(Policies.ProviderStaff);
        segments.MapGet("/", async (CenterDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.Segments.AsNoTracking().OrderBy(s => s.Name).ToListAsync(ct)).Select(SegmentResponse.From)))
            .WithSummary("List segments.");
        segments.MapGet("/{segmentId:guid}", async (Guid segmentId, CenterDbContext db, CancellationToken ct) =>
            ApiProblems.OkOrNotFound(await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == segmentId, ct), SegmentResponse.From, "segment", segmentId))
            .WithSummary("Get a segment.");
        segments.MapPost("/", CreateAsync).RequireAuthorization(Policies.ProviderAdmin).WithSummary("Create a segment.");
        segments.MapDelete("/{segmentId:guid}", DeleteAsync).RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Delete a segment no tenant is bound to.");
    }

    internal static async Task<Segment> DefaultAsync(CenterDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (await db.Segments.FirstOrDefaultAsync(s => s.Name == "default", ct) is { } existing)
        {
            return existing;
        }
        var created = new Segment { Id = Guid.NewGuid(), Name = "default", Description = "Created with the first tenant.", CreatedAt = time.GetUtcNow() };
        db.Segments.Add(created);
        return created;
    }

    private static async Task<IResult> CreateAsync(SegmentRequest request, CenterDbContext db, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        if (ApiProblems.CheckName("name", request.Name) is { } problem)
        {
            return ApiProblems.BadRequest(problem);
        }
        if (await db.Segments.AnyAsync(s => s.Name == request.Name, ct))
        {
            return ApiProblems.Conflict($"A segment named '{request.Name}' exists already.");
        }
        var segment = new Segment { Id = Guid.NewGuid(), Name = request.Name!, Description = request.Description, CreatedAt = time.GetUtcNow() };
        db.Segments.Add(segment);
        audit.Record("segment.create", $"segment/{segment.Id}", new { segment.Name });
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"{ApiEndpoints.Prefix}/segments/{segment.Id}", SegmentResponse.From(segment));
    }

    private static async Task<IResult> DeleteAsync(Guid segmentId, CenterDbContext db, AuditLog audit, CancellationToken ct)
    {
        var segment = await db.Segments.FirstOrDefaultAsync(s => s.Id == segmentId, ct);
        if (segment is null)
        {
            return ApiProblems.NotFound("segment", segmentId);
        }
        if (await db.Tenants.AnyAsync(t => t.SegmentId == segmentId, ct))
        {
            return ApiProblems.Conflict($"Segment '{segment.Name}' still has tenants; move or delete them first.");
        }
        db.Segments.Remove(segment);
        audit.Record("segment.delete", $"segment/{segment.Id}", new { segment.Name });
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}

public sealed record SegmentRequest(string? Name, string? Description);

public sealed record SegmentResponse(Guid Id, string Name, string? Description, DateTimeOffset CreatedAt)
{
    public static SegmentResponse From(Segment segment) => new(segment.Id, segment.Name, segment.Description, segment.CreatedAt);
}
