using Lightshield.Center.Api;
using Lightshield.Center.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Lightshield.Center.Updates;

/// <summary><c>/api/v1/updates</c>: the provider's update mirror (versions, import), the staged rollout (promote,
/// rollback) and update status per scan server and per tenant. Provider roles only: a tenant gets 403 (its agents'
/// health already shows the database version of their scan server).</summary>
internal static class UpdateEndpoints
{
    public static void MapUpdateEndpoints(this RouteGroupBuilder api)
    {
        var updates = api.MapGroup("/updates").WithTags("Updates").RequireAuthorization(Policies.ProviderStaff);
        updates.MapGet("/versions", async (UpdateMirror mirror, CancellationToken ct) =>
            TypedResults.Ok((await mirror.ListAsync(ct)).Select(UpdateVersionResponse.From))).WithSummary("List imported versions, newest first.");
        updates.MapGet("/versions/{versionId:long}", ShowAsync).WithSummary("A version and its files (name, SHA-256, size, database version, signatures).");
        updates.MapPost("/versions", ImportAsync).RequireAuthorization(Policies.ProviderAdmin).DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(4L << 30)).WithFormOptions(multipartBodyLengthLimit: 4L << 30)
            .WithSummary("Import signature files (multipart/form-data, one part per file; field 'description'; ?replace=true for a full set) as a new version.")
            .Produces<UpdateVersionDetailResponse>(StatusCodes.Status201Created);
        updates.MapPost("/versions/{versionId:long}/promote", PromoteAsync).RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Roll a version out: to the canary scan servers first, to all after the soak time.");
        updates.MapPost("/rollback", RollbackAsync).RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Return the fleet to the version it ran before the current rollout (canaries first, the same way).");
        updates.MapGet("/rollouts", async (UpdateRollouts rollouts, CancellationToken ct) =>
            TypedResults.Ok(await rollouts.HistoryAsync(ct))).WithSummary("The last 100 rollouts, newest first.");
        updates.MapGet("/status", async (UpdateStatus status, CancellationToken ct) => TypedResults.Ok(await status.RolloutAsync(ct)))
            .WithSummary("The rollout in force: target, baseline, phase, canaries, scan servers per state.");
        updates.MapGet("/status/hosts", async (UpdateStatus status, CancellationToken ct) => TypedResults.Ok(await status.HostsAsync(ct)))
            .WithSummary("Per scan server: version running, target, state (current, waiting, downloading, failed, out-of-date, unknown).");
        updates.MapGet("/status/tenants", async (UpdateStatus status, CancellationToken ct) => TypedResults.Ok(await status.TenantsAsync(ct)))
            .WithSummary("Per tenant: how many of its agents a current or an out-of-date scan server serves (counts only).");
    }

    private static async Task<IResult> ShowAsync(long versionId, UpdateMirror mirror, CancellationToken ct)
    {
        var version = await mirror.FindAsync(versionId, ct);
        return version is null
            ? ApiProblems.NotFoundText($"There is no update version {versionId}.")
            : TypedResults.Ok(UpdateVersionDetailResponse.From(version, await mirror.FilesAsync(versionId, ct)));
    }

    private static async Task<IResult> ImportAsync(HttpRequest request, UpdateMirror mirror, bool? replace, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            return ApiProblems.BadRequest("Send the signature files as multipart/form-data, one file part each (lightshield updates import FILE...).");
        }
        var form = await request.ReadFormAsync(ct);
        var uploads = new List<UpdateUpload>();
        try
        {
            foreach (var file in form.Files)
            {
                uploads.Add(new UpdateUpload(file.FileName, file.OpenReadStream()));
            }
            var version = await mirror.ImportAsync(uploads, form["description"].FirstOrDefault(), replace ?? false, ct);
            return TypedResults.Created($"{ApiEndpoints.Prefix}/updates/versions/{version.Id}",
                UpdateVersionDetailResponse.From(version, await mirror.FilesAsync(version.Id, ct)));
        }
        catch (UpdateImportException e)
        {
            return ApiProblems.BadRequest($"Import refused, nothing was kept: {e.Message}.");
        }
        finally
        {
            foreach (var upload in uploads)
            {
                await upload.Content.DisposeAsync();
            }
        }
    }

    private static async Task<IResult> PromoteAsync(long versionId, UpdateRollouts rollouts, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await rollouts.PromoteAsync(versionId, ct));
        }
        catch (UpdateRolloutException e)
        {
            return e.NotFound ? ApiProblems.NotFoundText(e.Message + ".") : ApiProblems.Conflict(e.Message + ".");
        }
    }

    private static async Task<IResult> RollbackAsync(UpdateRollouts rollouts, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await rollouts.RollbackAsync(ct));
        }
        catch (UpdateRolloutException e)
        {
            return ApiProblems.Conflict(e.Message + ".");
        }
    }
}

public sealed record UpdateVersionResponse(long Id, string DatabaseVersion, string Description, long SignatureCount, int FileCount, long TotalBytes,
    DateTimeOffset ImportedAt, string ImportedBy)
{
    public static UpdateVersionResponse From(UpdateVersion version) =>
        new(version.Id, version.DatabaseVersion, version.Description, version.SignatureCount, version.FileCount, version.TotalBytes,
            version.ImportedAt, version.ImportedBy);
}

/// <param name="Distributed">False for a .cdiff: kept, not applied, not sent to scan servers.</param>
public sealed record UpdateFileResponse(string Name, string Format, string Sha256, long Length, int? DatabaseVersion, long? Signatures,
    DateTimeOffset? BuildTime, bool Distributed);

public sealed record UpdateVersionDetailResponse(UpdateVersionResponse Version, IReadOnlyList<UpdateFileResponse> Files)
{
    public static UpdateVersionDetailResponse From(UpdateVersion version, IReadOnlyList<UpdateVersionFile> files) =>
        new(UpdateVersionResponse.From(version), [.. files.Select(f =>
            new UpdateFileResponse(f.Name, f.Format, f.Sha256, f.Length, f.DatabaseVersion, f.Signatures, f.BuildTime, f.Distributed))]);
}
