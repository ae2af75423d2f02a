namespace Lightshield.Center.Hierarchy;

/// <summary>Section <c>Center:Link</c>. On a <c>tenant</c>-role center: where and how it dials up to the main center. On
/// the <c>provider</c> (main) center: when a linked tenant center counts as late or unreachable.</summary>
public sealed record LinkOptions
{
    public const string Section = "Center:Link";

    /// <summary>The main center's gRPC address, <c>https://host:port</c> (tenant role; required there).</summary>
    public string? MainAddress { get; init; }

    /// <summary>SHA-256 of the main center's TLS certificate (64 hex digits), shown by <c>lightshield centers link</c>
    /// (tenant role; required there): the link speaks only to that certificate.</summary>
    public string? MainCertificateSha256 { get; init; }

    /// <summary>The link credential the provider issued once (<c>lsc_...</c>; tenant role; required there). Never logged.</summary>
    public string? Credential { get; init; }

    /// <summary>Time between two exchanges with the main center. Default 30 s.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Main center: a linked center not heard from for this long is late. Default 2 minutes.</summary>
    public TimeSpan LateAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Main center: a linked center not heard from for this long is unreachable. Default 10 minutes.</summary>
    public TimeSpan UnreachableAfter { get; init; } = TimeSpan.FromMinutes(10);
}
