using System.Text.Json;
using System.Text.Json.Serialization;
using Lightshield.Verdicts;

namespace Lightshield.Cli.Scanning;

/// <summary>Writes results the way clamscan does (<c>path: Name FOUND</c>) or as one JSON document.</summary>
public sealed class ScanReportWriter(TextWriter output, bool json, bool infectedOnly)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly List<JsonFileResult> _jsonFiles = [];

    public void Write(FileScanResult result)
    {
        if (json)
        {
            _jsonFiles.Add(new JsonFileResult(result.Path, Status(result), result.Verdict?.Names is { Count: > 0 } names ? names : null,
                result.Error ?? result.Verdict?.Reason, result.Size, result.Cached));
            return;
        }
        var line = Line(result);
        if (line is not null)
        {
            output.WriteLine(line);
        }
    }

    public string? Line(FileScanResult result)
    {
        if (result.Error is not null)
        {
            return $"{result.Path}: {result.Error} ERROR";
        }
        var verdict = result.Verdict!;
        return verdict.Kind switch
        {
            VerdictKind.Infected => $"{result.Path}: {string.Join(", ", verdict.Names)} FOUND",
            VerdictKind.LimitExceeded => $"{result.Path}: {string.Join(", ", verdict.Names)} LIMIT EXCEEDED ({verdict.Reason})",
            VerdictKind.Error => $"{result.Path}: {verdict.Reason} ERROR",
            _ when infectedOnly => null,
            _ when verdict.Reason == "empty file" => $"{result.Path}: Empty file",
            _ => $"{result.Path}: OK",
        };
    }

    public void WriteSummary(ScanSummary summary, ScanStatistics statistics, string engineVersion, string databaseVersion, long signatures, TimeSpan elapsed)
    {
        if (json)
        {
            var document = new
            {
                files = _jsonFiles,
                summary = new
                {
                    summary.Files,
                    summary.Infected,
                    summary.Errors,
                    summary.LimitExceeded,
                    summary.FromCache,
                    statistics.BytesRead,
                    statistics.BytesUploaded,
                    statistics.Uploads,
                    engineVersion,
                    databaseVersion,
                    signatures,
                    elapsedSeconds = Math.Round(elapsed.TotalSeconds, 3),
                    exitCode = summary.ExitCode,
                },
            };
            output.WriteLine(JsonSerializer.Serialize(document, JsonOptions));
            return;
        }
        output.WriteLine();
        output.WriteLine("----------- SCAN SUMMARY -----------");
        output.WriteLine($"Known viruses: {signatures}");
        output.WriteLine($"Engine version: {engineVersion}");
        output.WriteLine($"Database version: {databaseVersion}");
        output.WriteLine($"Scanned files: {summary.Files}");
        output.WriteLine($"Infected files: {summary.Infected}");
        if (summary.LimitExceeded > 0)
        {
            output.WriteLine($"Not fully scanned (limits): {summary.LimitExceeded}");
        }
        if (summary.Errors > 0)
        {
            output.WriteLine($"Total errors: {summary.Errors}");
        }
        output.WriteLine($"Verdicts from cache: {summary.FromCache}");
        output.WriteLine($"Data read: {Megabytes(statistics.BytesRead)} MB, sent to scan server: {Megabytes(statistics.BytesUploaded)} MB");
        output.WriteLine($"Time: {elapsed.TotalSeconds:0.000} sec");
    }

    private static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    private static string Status(FileScanResult result) => result.Error is not null ? "error" : result.Verdict!.Kind switch
    {
        VerdictKind.Infected => "infected",
        VerdictKind.LimitExceeded => "limit-exceeded",
        VerdictKind.Error => "error",
        _ => "clean",
    };

    private sealed record JsonFileResult(string Path, string Status, IReadOnlyList<string>? Names, string? Reason, long Size, bool Cached);
}
