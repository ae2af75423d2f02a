using System.Globalization;
using Lightshield.Agent.Tests.OnAccess;

namespace Lightshield.Agent.Tests.Adversarial;

/// <summary>The attacker against on-access protection, as a separate process under the attacker's uid: for each
/// attempt it renames a fresh infected file to <c>x</c>, opens <c>x</c> in one thread while another renames a fresh
/// clean file over <c>x</c> after a random delay (0 to 2 ms), and reads what the open gave. The infected content must
/// never be read.</summary>
internal static class OpenRacer
{
    private const string Script = """
        import os, random, sys, threading, time
        directory, attempts, budget = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
        os.chdir(directory)
        counts = {"denied": 0, "clean": 0, "infected": 0, "other": 0}
        def swap(i, delay):
            end = time.perf_counter() + delay
            while time.perf_counter() < end:
                pass
            os.rename(f"good{i}", "x")
        started = time.monotonic()
        done = 0
        for i in range(attempts):
            if time.monotonic() - started > budget:
                break
            os.rename(f"bad{i}", "x")
            racer = threading.Thread(target=swap, args=(i, random.uniform(0, 0.002)))
            racer.start()
            try:
                fd = os.open("x", os.O_RDONLY)
                try:
                    data = os.read(fd, 256)
                finally:
                    os.close(fd)
                counts["infected" if b"EICAR" in data else "clean" if data.startswith(b"clean") else "other"] += 1
            except PermissionError:
                counts["denied"] += 1
            racer.join()
            done += 1
        print(done, counts["denied"], counts["clean"], counts["infected"], counts["other"], flush=True)
        """;

    /// <summary>Runs the attack to its end and returns its counts.</summary>
    public static async Task<OpenRaceResult> RunAsync(AttackerUser user, string directory, int attempts, TimeSpan budget)
    {
        var result = await ChildProcess.RunAsync(Racer.Setpriv,
            [$"--reuid={user.UserId}", $"--regid={user.GroupId}", "--clear-groups", "--no-new-privs", "--",
                Racer.Python, "-c", Script, directory, attempts.ToString(CultureInfo.InvariantCulture),
                budget.TotalSeconds.ToString(CultureInfo.InvariantCulture)],
            timeout: budget + TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, $"the attacker failed ({result.ExitCode}): {result.StandardError}");
        var counts = result.StandardOutput.Trim().Split(' ').Select(value => int.Parse(value, CultureInfo.InvariantCulture)).ToArray();
        return new OpenRaceResult(counts[0], counts[1], counts[2], counts[3], counts[4], result.Elapsed);
    }
}

/// <summary>What the attacker's opens gave: denied, clean content, infected content (a bypass), anything else.</summary>
internal sealed record OpenRaceResult(int Attempts, int Denied, int Clean, int Infected, int Other, TimeSpan Elapsed);
