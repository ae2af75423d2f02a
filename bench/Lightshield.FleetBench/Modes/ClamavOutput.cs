using Lightshield.FleetBench.Fleet;

namespace Lightshield.FleetBench.Modes;

/// <summary>The detections in the output of clamscan or clamdscan (<c>PATH: NAME FOUND</c> lines).</summary>
internal static class ClamavOutput
{
    public static IEnumerable<Detection> Detections(string fleetRoot, IEnumerable<string> lines)
    {
        const string Found = " FOUND";
        foreach (var line in lines)
        {
            var separator = line.LastIndexOf(": ", StringComparison.Ordinal);
            if (line.EndsWith(Found, StringComparison.Ordinal) && separator > 0)
            {
                yield return Detection.FromPath(fleetRoot, line[..separator]);
            }
        }
    }

    /// <summary>Lines that report a file that could not be scanned.</summary>
    public static int Errors(IEnumerable<string> lines) => lines.Count(l => l.EndsWith(" ERROR", StringComparison.Ordinal));
}
