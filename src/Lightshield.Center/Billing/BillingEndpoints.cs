using Lightshield.Center.Api;
using Lightshield.Center.Persistence;

namespace Lightshield.Center.Billing;

/// <summary><c>/api/v1/billing</c>: metered usage in hourly buckets and the monthly report (JSON or CSV). Every caller
/// gets what its scope sees: the provider every tenant, a tenant itself.</summary>
internal static class BillingEndpoints
{
    private static readonly TimeSpan MaxUsageRange = TimeSpan.FromDays(93);

    public static void MapBillingEndpoints(this RouteGroupBuilder api)
    {
        var billing = api.MapGroup("/billing").WithTags("Billing").RequireAuthorization();
        billing.MapGet("/usage", UsageAsync)
            .WithSummary("Hourly usage buckets (vCPU-seconds, peak vCPUs) between ?from and ?to (default: the last 24 hours; at most 93 days).");
        billing.MapGet("/report", ReportAsync)
            .WithSummary("Monthly billing report (?month=yyyy-MM, ?format=json|csv, ?tenant=ID-or-NAME): peak vCPUs, vCPU-hours, licensed vCPUs, overage.");
    }

    private static async Task<IResult> UsageAsync(CenterDbContext db, UsageReports reports, TimeProvider time, DateTimeOffset? from, DateTimeOffset? to,
        string? tenant, CancellationToken ct)
    {
        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddDays(-1);
        if (end <= start || end - start > MaxUsageRange)
        {
            return ApiProblems.BadRequest("'to' must be after 'from', at most 93 days later.");
        }
        var (tenantId, problem) = await TenantSelector.ResolveAsync(db, tenant, ct);
        if (problem is not null)
        {
            return problem;
        }
        var hours = await reports.HoursAsync(db, start, end, tenantId, ct);
        return TypedResults.Ok(hours.Select(h => new UsageHourResponse(h.Hour.TenantId, h.TenantName, h.Hour.Hour, h.Hour.VcpuSeconds, h.Hour.PeakVcpus)));
    }

    private static async Task<IResult> ReportAsync(CenterDbContext db, UsageReports reports, string? month, string? format, string? tenant, CancellationToken ct)
    {
        if (!BillingMonth.TryParse(month, out var billingMonth))
        {
            return ApiProblems.BadRequest("'month' is required, as yyyy-MM (for example 2026-11).");
        }
        if (format is not (null or "json" or "csv"))
        {
            return ApiProblems.BadRequest("'format' is json (default) or csv.");
        }
        var (tenantId, problem) = await TenantSelector.ResolveAsync(db, tenant, ct);
        if (problem is not null)
        {
            return problem;
        }
        var report = await reports.MonthlyAsync(db, billingMonth, tenantId, ct);
        return format == "csv"
            ? TypedResults.Text(BillingCsv.Write(report), "text/csv; charset=utf-8")
            : TypedResults.Ok(report);
    }
}

public sealed record UsageHourResponse(Guid TenantId, string TenantName, DateTimeOffset Hour, long VcpuSeconds, int PeakVcpus);
