namespace Lightshield.Center.Api;

/// <summary>Problem-details answers with a message that says what to fix.</summary>
internal static class ApiProblems
{
    public static IResult NotFound(string what, Guid id) =>
        TypedResults.Problem($"There is no {what} {id} (or it is not yours to see).", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    /// <summary>200 with <paramref name="answer"/> of what was found, or the 404 of <see cref="NotFound"/>.</summary>
    public static IResult OkOrNotFound<T, TResponse>(T? found, Func<T, TResponse> answer, string what, Guid id)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(answer);
        return found is null ? NotFound(what, id) : TypedResults.Ok(answer(found));
    }

    public static IResult NotFoundText(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static IResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static IResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");

    /// <summary>Null when <paramref name="value"/> is a usable name, else the message.</summary>
    public static string? CheckName(string field, string? value, int maxLength = 200) =>
        string.IsNullOrWhiteSpace(value) ? $"'{field}' is required."
        : value.Length > maxLength ? $"'{field}' must have at most {maxLength} characters."
        : value.Trim() != value ? $"'{field}' must not start or end with spaces."
        : null;
}
