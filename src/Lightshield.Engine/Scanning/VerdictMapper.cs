using System.Globalization;
using System.Runtime.InteropServices;
using Lightshield.Engine.Native;
using Lightshield.Verdicts;

namespace Lightshield.Engine;

/// <summary>Turns a libclamav scan result into a <see cref="Verdict"/>. Never throws for bad content: every
/// libclamav error becomes an <see cref="VerdictKind.Error"/> verdict. A scan stopped by the time limit is an error too,
/// not a limit-exceeded verdict: how long a scan takes depends on the server's load, so it must not be cached and shared
/// (a loaded server would otherwise turn content it had no time for into an "allowed" verdict for everyone).</summary>
internal static class VerdictMapper
{
    public const string LimitPrefix = "Heuristics.Limits.Exceeded";
    public const string MaxScanTimeName = LimitPrefix + ".MaxScanTime";

    /// <summary>Maps a scan result. <paramref name="virusName"/> is libclamav's <c>virname</c> output; when it is
    /// null the first name reported through the virus-found callback on this thread is used.</summary>
    public static Verdict Map(ClamError status, nint virusName, EngineOptions options, string databaseVersion, DateTimeOffset at)
    {
        switch (status)
        {
            case ClamError.Success:
                return Verdict.Clean(databaseVersion, at);
            case ClamError.Virus:
                var name = Marshal.PtrToStringUTF8(virusName);
                if (string.IsNullOrEmpty(name))
                {
                    name = ClamDetections.First ?? "Unnamed.Signature";
                }
                return name == MaxScanTimeName ? TimedOut()
                    : name.StartsWith(LimitPrefix, StringComparison.Ordinal) ? Verdict.LimitExceeded(name, LimitReason(name, options), databaseVersion, at)
                    : Verdict.Infected(name, databaseVersion, at);
            case ClamError.Timeout:
                return TimedOut();
            case ClamError.MaxRecursion:
                return Limit(".MaxRecursion");
            case ClamError.MaxSize:
                return Limit(".MaxScanSize");
            case ClamError.MaxFiles:
                return Limit(".MaxFiles");
            default:
                return Verdict.Failed("libclamav: " + ClamLibrary.Describe(status), databaseVersion, at);
        }

        Verdict TimedOut() => Verdict.Failed(LimitReason(MaxScanTimeName, options) + "; not cached: try again", databaseVersion, at);

        Verdict Limit(string suffix) =>
            Verdict.LimitExceeded(LimitPrefix + suffix, LimitReason(LimitPrefix + suffix, options), databaseVersion, at);
    }

    /// <summary>A sentence naming the limit that stopped the scan, with the configured value.</summary>
    public static string LimitReason(string signatureName, EngineOptions options)
    {
        var limit = signatureName.Length > LimitPrefix.Length ? signatureName[(LimitPrefix.Length + 1)..] : "";
        var reason = limit switch
        {
            "MaxRecursion" => $"maximum recursion depth ({options.MaxRecursion}) exceeded",
            "MaxFileSize" => $"file larger than the maximum file size ({options.MaxFileSize} bytes)",
            "MaxScanSize" => $"maximum scan size ({options.MaxScanSize} bytes) exceeded",
            "MaxFiles" => $"maximum number of files in a container ({options.MaxFiles}) exceeded",
            "MaxScanTime" => $"maximum scan time ({ScanSettings.MaxScanTimeMilliseconds(options)} ms) exceeded",
            _ when limit.StartsWith("Email", StringComparison.Ordinal) => $"e-mail parsing limit exceeded ({limit})",
            _ => $"limit exceeded ({signatureName})",
        };
        return string.Create(CultureInfo.InvariantCulture, $"scan stopped: {reason}");
    }
}
