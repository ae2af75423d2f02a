namespace Lightshield.Agent.Tests.Firewall;

/// <summary>A systemd-like service cgroup made by the test in the host's cgroup v2 tree
/// (<c>lightshield-test-PID.slice/fwtest-N.service</c>); removed on dispose. Its processes are the test's own.</summary>
internal sealed class TestServiceCgroup : IDisposable
{
    private static int _next;
    private readonly string _slice;

    public TestServiceCgroup()
    {
        var mount = File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' '))
            .FirstOrDefault(f => f.Length > 8 && Array.IndexOf(f, "-") is var dash and > 0 && f[dash + 1] == "cgroup2")?[4]
            ?? throw new InvalidOperationException("cgroup v2 is not mounted");
        _slice = Path.Combine(mount, $"lightshield-test-{Environment.ProcessId}.slice");
        Unit = $"fwtest-{Interlocked.Increment(ref _next)}.service";
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Unit { get; }

    public string Directory => Path.Combine(_slice, Unit);

    /// <summary>What systemd does when the service restarts: a new cgroup (a new id) of the same name.</summary>
    public void Recreate()
    {
        RemoveWhenEmpty(Directory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public void Dispose()
    {
        RemoveWhenEmpty(Directory);
        RemoveWhenEmpty(_slice);
    }

    /// <summary>cgroup directories go with <c>rmdir</c> once their processes have exited (reaped a moment later).</summary>
    private static void RemoveWhenEmpty(string directory)
    {
        for (var attempt = 0; attempt < 50 && System.IO.Directory.Exists(directory); attempt++)
        {
            try
            {
                System.IO.Directory.Delete(directory);
            }
            catch (IOException)
            {
                Thread.Sleep(100);
            }
        }
    }
}
