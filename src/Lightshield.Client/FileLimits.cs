using Lightshield.Verdicts;

namespace Lightshield.Client;

/// <summary>The verdict for a file over a size limit, the same whether the client (its policy, the server's announced
/// limit) or the server found it too large: limit exceeded, never read, never sent.</summary>
public static class FileLimits
{
    /// <summary>The signature-style name of the verdict (libclamav's own limits read <c>Heuristics.Limits.Exceeded.*</c>).</summary>
    public const string MaxFileSizeName = "Lightshield.Limits.Exceeded.MaxFileSize";

    /// <summary>A file of <paramref name="size"/> bytes over <paramref name="limit"/> (<paramref name="whose"/> limit:
    /// "the policy's", "the scan server's").</summary>
    public static Verdict TooLarge(long size, long limit, string whose, DateTimeOffset now) =>
        Verdict.LimitExceeded(MaxFileSizeName, $"{size} bytes is over {whose} maximum file size of {limit} bytes; not scanned", "", now);

    /// <summary>The server refused the file as too large with <paramref name="reason"/>.</summary>
    public static Verdict TooLarge(string reason, DateTimeOffset now) => Verdict.LimitExceeded(MaxFileSizeName, reason, "", now);
}
