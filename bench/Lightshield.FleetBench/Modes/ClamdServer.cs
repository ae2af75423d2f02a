using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lightshield.FleetBench.Measurement;

namespace Lightshield.FleetBench.Modes;

/// <summary>A <c>clamd</c> in its own process on a loopback TCP port, with the engine settings clamscan is run with
/// (defaults, plus alerts on exceeded limits), streams accepted up to 100 MiB.</summary>
internal static class ClamdServer
{
    public const string Executable = "/usr/sbin/clamd";

    /// <summary>Writes the configuration (read by clamd and by clamdscan) and returns its path and port.</summary>
    public static (string Config, int Port) Configure(string directory, string database)
    {
        Directory.CreateDirectory(Path.Combine(directory, "tmp"));
        var port = FreePort();
        var config = Path.Combine(directory, "clamd.conf");
        File.WriteAllText(config, string.Create(CultureInfo.InvariantCulture, $"""
            Foreground yes
            TCPSocket {port}
            TCPAddr 127.0.0.1
            DatabaseDirectory {database}
            TemporaryDirectory {Path.Combine(directory, "tmp")}
            StreamMaxLength 100M
            AlertExceedsMax yes
            LogFile {Path.Combine(directory, "clamd.log")}

            """));
        return (config, port);
    }

    /// <summary>Starts clamd and waits until it answers PING (its database loaded).</summary>
    public static async Task<BenchProcess> StartAsync(string config, int port, CancellationToken cancellationToken)
    {
        var clamd = BenchProcess.Start(Executable, ["--foreground", $"--config-file={config}"]);
        var clock = Stopwatch.StartNew();
        while (!await PingAsync(port, cancellationToken))
        {
            if (clamd.HasExited || clock.Elapsed > TimeSpan.FromMinutes(10))
            {
                var output = string.Join('\n', clamd.Output.TakeLast(20));
                await clamd.DisposeAsync();
                throw new InvalidOperationException($"clamd did not answer PING on port {port}:\n{output}");
            }
            await Task.Delay(100, cancellationToken);
        }
        return clamd;
    }

    private static async Task<bool> PingAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("zPING\0"u8.ToArray(), cancellationToken);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, cancellationToken);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
