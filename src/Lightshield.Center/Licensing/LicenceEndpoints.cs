using Lightshield.Center.Api;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Licensing;

/// <summary>Licences: the provider grants (<c>POST /tenants/{id}/licences</c>); <c>/licences</c> shows every caller the
/// licences and states its scope sees (a tenant its own, the provider every tenant's); anyone signed in can verify a
/// licence text.</summary>
internal static class LicenceEndpoints
{
    private const int MaxValidDays = 3660;

    public static void MapLicenceEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/tenants/{tenantId:guid}/licences", GrantAsync).WithTags("Licences").RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Grant a tenant a licence of N vCPUs; it supersedes the licence in force (the history stays).")
            .Produces<LicenceResponse>(StatusCodes.Status201Created);
        var licences = api.MapGroup("/licences").WithTags("Licences").RequireAuthorization();
        licences.MapGet("/", ListAsync)
            .WithSummary("Licences, newest first per tenant, each with its text and whether its signature still matches (?tenant=ID-or-NAME).");
        licences.MapGet("/status", StatusAsync)
            .WithSummary("Licence state per tenant, evaluated now: ok, over-licence, grace, expired or none (?tenant=ID-or-NAME).");
        licences.MapGet("/{licenceId:guid}", async (Guid licenceId, CenterDbContext db, LicenceSignatures signatures, CancellationToken ct) =>
                await db.TenantLicences.AsNoTracking().FirstOrDefaultAsync(l => l.Id == licenceId, ct) is { } licence
                    ? TypedResults.Ok(LicenceResponse.From(licence, await signatures.IsGenuineAsync(licence, ct)))
                    : ApiProblems.NotFound("licence", licenceId))
            .WithSummary("Get a licence with its text form.");
        licences.MapPost("/verify", VerifyAsync)
            .WithSummary("Verify a licence text (lsl1....): its claims when this center signed it unchanged, else why not.");
    }

    private static async Task<IResult> GrantAsync(Guid tenantId, LicenceRequest request, CenterDbContext db, TenantLicences licences,
        CurrentActor actor, TimeProvider time, CancellationToken ct)
    {
        var tenant = await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenantId, ct);
        if (tenant is null)
        {
            return ApiProblems.NotFound("tenant", tenantId);
        }
        var from = request.ValidFrom ?? time.GetUtcNow();
        var until = request.ValidUntil ?? (request.ValidDays is { } days ? from.AddDays(days) : null);
        var problems = new[]
        {
            request.Vcpus is null or < 0 or > TenantLicences.MaxVcpus ? $"'vcpus' is required, from 0 to {TenantLicences.MaxVcpus}." : null,
            until is null ? "'validUntil' or 'validDays' is required." : null,
            request.ValidDays is < 1 or > MaxValidDays ? $"'validDays' must be between 1 and {MaxValidDays}." : null,
            until is { } end && end <= from ? "The licence must end after it begins ('validUntil' after 'validFrom')." : null,
        }.OfType<string>().ToList();
        if (problems.Count > 0)
        {
            return ApiProblems.BadRequest(string.Join(" ", problems));
        }
        var licence = await licences.GrantAsync(tenantId, request.Vcpus!.Value, from, until!.Value, actor.Name, ct);
        return TypedResults.Created($"{ApiEndpoints.Prefix}/licences/{licence.Id}", LicenceResponse.From(licence, genuine: true));
    }

    private static async Task<IResult> ListAsync(CenterDbContext db, TenantLicences licences, string? tenant, CancellationToken ct)
    {
        var (tenantId, problem) = await TenantSelector.ResolveAsync(db, tenant, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok((await licences.ListAsync(db, tenantId, ct)).Select(l => LicenceResponse.From(l.Licence, l.Genuine)));
    }

    private static async Task<IResult> StatusAsync(CenterDbContext db, TenantLicences licences, string? tenant, CancellationToken ct)
    {
        var (tenantId, problem) = await TenantSelector.ResolveAsync(db, tenant, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok((await licences.StatusAsync(db, tenantId, ct)).Select(s => LicenceStatusResponse.From(s.TenantName, s.Status)));
    }

    private static async Task<IResult> VerifyAsync(LicenceVerifyRequest request, LicenceSignatures signatures, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Text))
        {
            return ApiProblems.BadRequest("'text' is required: a licence text starting with lsl1.");
        }
        var check = await signatures.VerifyTextAsync(request.Text, ct);
        var claims = check.Claims;
        return TypedResults.Ok(new LicenceVerifyResponse(check.IsValid, check.Failure, claims?.TenantId, claims?.Serial, claims?.Vcpus,
            claims?.ValidFrom, claims?.ValidUntil, claims?.IssuedAt));
    }
}

/// <param name="Vcpus">vCPUs granted (0 or more).</param>
/// <param name="ValidFrom">Default: now. Times are kept to the second.</param>
/// <param name="ValidUntil">End of validity; or give <paramref name="ValidDays"/>.</param>
public sealed record LicenceRequest(int? Vcpus, DateTimeOffset? ValidFrom, DateTimeOffset? ValidUntil, int? ValidDays);

/// <param name="Genuine">False when the stored licence no longer matches its signature: it is refused wherever it is used.</param>
/// <param name="Text">The signed text form (<c>lsl1.</c>...), to export and verify.</param>
public sealed record LicenceResponse(Guid Id, Guid TenantId, long Serial, int Vcpus, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil,
    DateTimeOffset IssuedAt, string IssuedBy, bool Genuine, string Text)
{
    public static LicenceResponse From(TenantLicence licence, bool genuine) =>
        new(licence.Id, licence.TenantId, licence.Serial, licence.Vcpus, licence.ValidFrom, licence.ValidUntil, licence.IssuedAt, licence.IssuedBy,
            genuine, TenantLicences.TextOf(licence));
}

public sealed record LicenceStatusResponse(Guid TenantId, string TenantName, string State, int ActiveVcpus, int LicensedVcpus, long? LicenceSerial,
    DateTimeOffset? LicenceValidUntil, IReadOnlyList<long> RefusedSerials, DateTimeOffset ChangedAt)
{
    public static LicenceStatusResponse From(string tenantName, TenantLicenceStatus status) =>
        new(status.TenantId, tenantName, status.State.ToName(), status.ActiveVcpus, status.LicensedVcpus, status.LicenceSerial, status.LicenceValidUntil,
            [.. status.RefusedSerials.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => long.Parse(s, System.Globalization.CultureInfo.InvariantCulture))],
            status.ChangedAt);
}

public sealed record LicenceVerifyRequest(string? Text);

public sealed record LicenceVerifyResponse(bool Valid, string? Problem, Guid? TenantId, long? Serial, int? Vcpus, DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidUntil, DateTimeOffset? IssuedAt);
