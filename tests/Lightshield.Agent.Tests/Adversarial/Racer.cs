using System.Diagnostics;
using System.Globalization;

namespace Lightshield.Agent.Tests.Adversarial;

/// <summary>The attacker's loop, run as a separate process under the attacker's uid and gid (<c>setpriv</c>, no
/// supplementary groups, <c>no_new_privs</c>): it keeps swapping the directory the agent works in for a symbolic
/// link to the victim directory, as fast as it can, until stopped.</summary>
/// <remarks>Two ways to swap: <see cref="RacerMode.Exchange"/> swaps the directory and a symbolic link to the victim
/// atomically with <c>renameat2(RENAME_EXCHANGE)</c>, so the name is always one or the other;
/// <see cref="RacerMode.Symlink"/> renames the directory away, puts a symbolic link in its place, removes it and
/// renames the directory back (the name is briefly missing).</remarks>
internal sealed class Racer : IDisposable
{
    public const string Setpriv = "/usr/bin/setpriv";
    public const string Python = "/usr/bin/python3";

    private const string Script = """
        import ctypes, os, signal, sys
        mode, directory, other = sys.argv[1], sys.argv[2], sys.argv[3]
        swaps = 0
        def stop(*_):
            sys.stdout.write(f"{swaps}\n"); sys.stdout.flush(); os._exit(0)
        signal.signal(signal.SIGTERM, stop)
        print("ready", flush=True)
        if mode == "exchange":
            renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
            a, b = directory.encode(), other.encode()
            while True:
                if renameat2(-100, a, -100, b, 2) == 0:
                    swaps += 1
        else:
            away = directory + ".away"
            while True:
                os.rename(directory, away); os.symlink(other, directory)
                swaps += 1
                os.unlink(directory); os.rename(away, directory)
        """;

    private readonly Process _process;

    private Racer(Process process) => _process = process;

    /// <summary>Starts the loop as <paramref name="user"/> and returns once it runs. For <see cref="RacerMode.Exchange"/>,
    /// <paramref name="other"/> is an existing symbolic link to the victim directory; for <see cref="RacerMode.Symlink"/>,
    /// the victim directory itself.</summary>
    public static Racer Start(AttackerUser user, RacerMode mode, string directory, string other)
    {
        var info = new ProcessStartInfo(Setpriv)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            $"--reuid={user.UserId}", $"--regid={user.GroupId}", "--clear-groups", "--no-new-privs", "--",
            Python, "-c", Script, mode == RacerMode.Exchange ? "exchange" : "symlink", directory, other,
        })
        {
            info.ArgumentList.Add(argument);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the racer");
        var first = process.StandardOutput.ReadLine();
        if (first != "ready")
        {
            var error = process.StandardError.ReadToEnd();
            process.Kill();
            throw new InvalidOperationException($"the racer did not start ({first}): {error}");
        }
        return new Racer(process);
    }

    /// <summary>Stops the loop and returns how many swaps it made; fails when it died on its own (an error in the
    /// loop would make the test prove nothing).</summary>
    public long Stop()
    {
        if (_process.HasExited)
        {
            Assert.Fail($"the racer died early: {_process.StandardError.ReadToEnd()}");
        }
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }
        var swaps = _process.StandardOutput.ReadLine();
        _process.WaitForExit();
        return long.Parse(swaps ?? "0", CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}

internal enum RacerMode
{
    Exchange,
    Symlink,
}
