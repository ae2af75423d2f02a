using Lightshield.Center.Diagnostics;
using Lightshield.Center.Tenancy;
using Microsoft.AspNetCore.Diagnostics;

namespace Lightshield.Center.Hosting;

/// <summary>Answers 403 when the database context refused a write outside the request's tenant scope, and logs it
/// as an error: a handler tried something the tenancy rule forbids.</summary>
public sealed class TenantIsolationExceptionHandler(IProblemDetailsService problems, ILogger<TenantIsolationExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not TenantIsolationException)
        {
            return false;
        }
        CenterLog.IsolationViolation(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        httpContext.Response.StatusCode = StatusCodes.Status403Forbidden;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = StatusCodes.Status403Forbidden, Title = "Forbidden", Detail = "Refused by tenant isolation." },
        });
    }
}
