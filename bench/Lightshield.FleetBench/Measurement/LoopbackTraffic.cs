using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Lightshield.FleetBench.Measurement;

/// <summary>
/// TCP payload bytes, both directions, of the established connections to a local port, from the kernel's counters
/// (<c>ss -ti</c>: bytes_received and bytes_sent of each server-side socket). The agents keep their connection to the
/// scan server for the whole run, so the difference between two readings is what crossed the wire in between, gRPC
/// and HTTP/2 framing and TLS (if any) included; a connection closed in between would be missed (none is: checked by
/// the connection count).
/// </summary>
internal static partial class LoopbackTraffic
{
    public static (long Bytes, int Connections) Read(int port)
    {
        var start = new ProcessStartInfo("ss") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])["-tinH", "state", "established", $"( sport = :{port.ToString(CultureInfo.InvariantCulture)} )"])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        long bytes = 0;
        var connections = 0;
        foreach (Match match in Counters().Matches(output))
        {
            bytes += long.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
            if (match.Groups["kind"].Value == "received")
            {
                connections++;
            }
        }
        return (bytes, connections);
    }

    [GeneratedRegex(@"\bbytes_(?<kind>sent|received):(?<n>\d+)")]
    private static partial Regex Counters();
}
