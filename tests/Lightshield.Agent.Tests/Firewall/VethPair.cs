using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Lightshield.Agent.Tests.Firewall;

/// <summary>
/// Two network namespaces joined by a veth pair: <see cref="Vm"/> (where the agent's firewall runs, address
/// <see cref="VmAddress"/>) and <see cref="Peer"/> (the rest of the network, <see cref="PeerAddress"/> and
/// <see cref="PeerSecondAddress"/>). Everything is removed on dispose, whatever happened.
/// </summary>
internal sealed class VethPair : IDisposable
{
    private static int _next;
    private readonly List<Socket> _listeners = [];
    private readonly CancellationTokenSource _stop = new();

    public VethPair()
    {
        RemoveLeftovers();
        var n = Interlocked.Increment(ref _next) + (Environment.ProcessId % 200);
        var tag = $"{Environment.ProcessId}x{n}";
        VmName = $"lsfw-vm-{tag}";
        PeerName = $"lsfw-peer-{tag}";
        var subnet = n % 250;
        VmAddress = IPAddress.Parse($"10.231.{subnet}.1");
        PeerAddress = IPAddress.Parse($"10.231.{subnet}.2");
        PeerSecondAddress = IPAddress.Parse($"10.231.{subnet}.3");
        try
        {
            Ip("netns", "add", VmName);
            Ip("netns", "add", PeerName);
            Ip("-n", VmName, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1", "netns", PeerName);
            Ip("-n", VmName, "addr", "add", $"{VmAddress}/24", "dev", "veth0");
            Ip("-n", PeerName, "addr", "add", $"{PeerAddress}/24", "dev", "veth1");
            Ip("-n", PeerName, "addr", "add", $"{PeerSecondAddress}/24", "dev", "veth1");
            foreach (var (ns, dev) in new[] { (VmName, "veth0"), (PeerName, "veth1"), (VmName, "lo"), (PeerName, "lo") })
            {
                Ip("-n", ns, "link", "set", dev, "up");
            }
            WaitUntilUp(VmName, "veth0");
            WaitUntilUp(PeerName, "veth1");
            Vm = new NamespaceThread(VmName);
            Peer = new NamespaceThread(PeerName);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string VmName { get; }

    public string PeerName { get; }

    public IPAddress VmAddress { get; }

    public IPAddress PeerAddress { get; }

    public IPAddress PeerSecondAddress { get; }

    public NamespaceThread Vm { get; } = null!;

    public NamespaceThread Peer { get; } = null!;

    /// <summary>Accepts (and closes) connections on <paramref name="address"/>:<paramref name="port"/> in a namespace.</summary>
    public void Listen(NamespaceThread where, IPAddress address, int port)
    {
        var socket = where.Run(() =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(address, port));
            s.Listen(16);
            return s;
        });
        _listeners.Add(socket);
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    (await socket.AcceptAsync(_stop.Token)).Dispose();
                }
                catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    return;
                }
            }
        });
    }

    /// <summary>How long a connection that should be blocked is given: a dropped SYN never completes.</summary>
    public static TimeSpan Blocked { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether a TCP connection from a namespace completes within <paramref name="timeout"/> (default 3 s: a
    /// first SYN lost on a busy machine is sent again after 1 s).</summary>
    public static async Task<bool> ConnectsAsync(NamespaceThread from, IPAddress address, int port, TimeSpan? timeout = null, IPAddress? source = null)
    {
        using var socket = from.Run(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        if (source is not null)
        {
            socket.Bind(new IPEndPoint(source, 0));
        }
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(3));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), deadline.Token);
            return true;
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Runs a program inside a namespace (no shell: arguments as a list); returns its exit code and output.</summary>
    public static (int ExitCode, string Output) Exec(string ns, params string[] arguments)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "netns", "exec", ns }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', arguments)} did not finish in 10 s");
        }
        return (process.ExitCode, output.GetAwaiter().GetResult() + error.GetAwaiter().GetResult());
    }

    /// <summary>The nft CLI in the VM namespace, as an administrator (or an intruder) would use it.</summary>
    public string Nft(params string[] arguments)
    {
        var (code, output) = Exec(VmName, ["nft", .. arguments]);
        return code == 0 ? output : throw new InvalidOperationException($"nft {string.Join(' ', arguments)}: {output}");
    }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }
        Vm?.Dispose();
        Peer?.Dispose();
        foreach (var ns in new[] { VmName, PeerName })
        {
            try
            {
                Ip("netns", "del", ns);
            }
            catch (InvalidOperationException)
            {
            }
        }
        _stop.Dispose();
    }

    /// <summary>Namespaces of test processes that are gone (a test abandoned at its timeout does not dispose).</summary>
    private static void RemoveLeftovers()
    {
        foreach (var path in Directory.Exists("/var/run/netns") ? Directory.GetFiles("/var/run/netns", "lsfw-*") : [])
        {
            var name = Path.GetFileName(path);
            var tag = name[(name.LastIndexOf('-') + 1)..];
            if (int.TryParse(tag.AsSpan(0, Math.Max(0, tag.IndexOf('x', StringComparison.Ordinal))), out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                try
                {
                    Ip("netns", "del", name);
                }
                catch (InvalidOperationException)
                {
                }
            }
        }
    }

    /// <summary>`ip link set up` returns before the veth carries traffic; a SYN sent before that is lost.</summary>
    private static void WaitUntilUp(string ns, string device)
    {
        var deadline = Stopwatch.StartNew();
        while (!Exec(ns, "cat", $"/sys/class/net/{device}/operstate").Output.StartsWith("up", StringComparison.Ordinal))
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(5))
            {
                throw new InvalidOperationException($"{device} in {ns} is not up after 5 s");
            }
            Thread.Sleep(20);
        }
    }

    private static void Ip(params string[] arguments)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)}: {error}");
        }
    }
}
