using System.Diagnostics;
using System.Text;
using Lightshield.Agent.OnAccess;
using Microsoft.Extensions.Logging;

namespace Lightshield.Agent.Tests.OnAccess;

/// <summary>The guard against the real kernel, as root: each test protects only its own fresh tmpfs.</summary>
public sealed class FanotifyGuardTests : IDisposable
{
    private const string Marker = "LIGHTSHIELD-TEST-MARKER";
    private const string OperationNotPermitted = "Operation not permitted";

    private readonly TmpfsMount _mount = new();
    private readonly RecordingLogger<FanotifyGuard> _logger = new();

    public void Dispose() => _mount.Dispose();

    [Fact]
    public async Task Start_FileWithMarkerOpenedByChild_OpenDeniedAndCleanFileOpens()
    {
        var infected = _mount.WriteFile("data/infected.txt", $"some bytes {Marker} more bytes");
        var clean = _mount.WriteFile("data/clean.txt", "hello, clean world");
        await using var guard = StartGuard(Options(), ContainsMarkerAsync);

        var denied = await ChildProcess.RunAsync("cat", [infected]);
        var allowed = await ChildProcess.RunAsync("cat", [clean]);

        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains(OperationNotPermitted, denied.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, allowed.ExitCode);
        Assert.Equal("hello, clean world", allowed.StandardOutput);
        Assert.True(guard.Statistics.Denied >= 1, $"{guard.Statistics}");
        await WaitUntilAsync(() => _logger.Contains(LogLevel.Information, "denied " + infected));
    }

    [Fact]
    public async Task Start_ManyConcurrentOpensWithAsyncDecisions_EachAnsweredByItsVerdict()
    {
        for (var i = 0; i < 100; i++)
        {
            _mount.WriteFile($"many/{i:D3}.txt", i % 10 == 0 ? $"x{Marker}" : $"clean {i}");
        }
        var decisions = 0;
        await using var guard = StartGuard(Options(), async (request, cancellationToken) =>
        {
            Interlocked.Increment(ref decisions);
            await Task.Delay(Random.Shared.Next(3), cancellationToken); // a look-up over the network, sometimes
            return await ContainsMarkerAsync(request, cancellationToken);
        });

        // Four threads of one child each open every file: 400 opens, 40 of them of marked files.
        const string opener = """
            import errno, os, sys, threading
            root = sys.argv[1]
            results = {"ok": 0, "eperm": 0, "other": 0}
            lock = threading.Lock()
            def run():
                for name in sorted(os.listdir(root)):
                    try:
                        os.close(os.open(os.path.join(root, name), os.O_RDONLY))
                        key = "ok"
                    except OSError as e:
                        key = "eperm" if e.errno == errno.EPERM else "other"
                    with lock:
                        results[key] += 1
            threads = [threading.Thread(target=run) for _ in range(4)]
            [t.start() for t in threads]
            [t.join() for t in threads]
            print(results["ok"], results["eperm"], results["other"])
            """;
        var result = await ChildProcess.RunAsync("python3", ["-c", opener, Path.Combine(_mount.Root, "many")]);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("360 40 0", result.StandardOutput.Trim());
        Assert.Equal(400, Volatile.Read(ref decisions));
        Assert.Equal(0, guard.Statistics.Timeouts);
        Assert.Equal(40, guard.Statistics.Denied);
    }

    [Fact]
    public async Task Start_FileWrittenAndClosedByChild_CloseWriteHookGetsPath()
    {
        var written = Path.Combine(_mount.Root, "incoming.bin");
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var guard = StartGuard(Options(), AllowAsync, path =>
        {
            if (path == written)
            {
                received.TrySetResult(path);
            }
            return ValueTask.CompletedTask;
        });

        var shell = await ChildProcess.RunAsync("sh", ["-c", $"printf 'fresh content' > '{written}'"]);

        Assert.Equal(0, shell.ExitCode);
        Assert.Equal(written, await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await WaitUntilAsync(() => guard.Statistics.CloseWriteQueued >= 1);
    }

    [Fact]
    public async Task Start_CloseWriteHookStuck_PathsDroppedAndCountedWhileOpensGoOn()
    {
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clean = _mount.WriteFile("clean.txt", "still served");
        var guard = StartGuard(Options() with { CloseWriteQueueCapacity = 1 }, AllowAsync, _ => new ValueTask(stuck.Task));
        try
        {
            var writes = await ChildProcess.RunAsync("sh", ["-c", $"cd '{_mount.Root}' && for i in 1 2 3 4 5; do echo x > f$i; done"]);
            var read = await ChildProcess.RunAsync("cat", [clean]);

            Assert.Equal(0, writes.ExitCode);
            Assert.Equal("still served", read.StandardOutput);
            await WaitUntilAsync(() => guard.Statistics.CloseWriteQueued + guard.Statistics.CloseWriteDropped == 5);
            Assert.InRange(guard.Statistics.CloseWriteDropped, 3, 4);
            await WaitUntilAsync(() => _logger.Contains(LogLevel.Warning, "queue full"));
        }
        finally
        {
            stuck.TrySetResult();
            await guard.DisposeAsync();
        }
    }

    [Fact]
    public async Task Start_DecisionNeverAnswers_TimeoutAppliesFailClosedOrFailOpenPerPrefix()
    {
        var closedFile = _mount.WriteFile("closed/file.txt", "closed");
        var openFile = _mount.WriteFile("open/file.txt", "open");
        var never = new TaskCompletionSource<AccessDecision>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = Options() with
        {
            DecisionTimeout = TimeSpan.FromMilliseconds(300),
            FailPolicies = [new FailPolicyRule(Path.Combine(_mount.Root, "closed"), FailPolicy.FailClosed)],
        };
        var guard = StartGuard(options, (_, _) => new ValueTask<AccessDecision>(never.Task));
        try
        {
            var denied = await ChildProcess.RunAsync("cat", [closedFile]);
            var allowed = await ChildProcess.RunAsync("cat", [openFile]);

            Assert.NotEqual(0, denied.ExitCode);
            Assert.Contains(OperationNotPermitted, denied.StandardError, StringComparison.Ordinal);
            Assert.InRange(denied.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
            Assert.Equal(0, allowed.ExitCode);
            Assert.Equal("open", allowed.StandardOutput);
            Assert.InRange(allowed.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
            Assert.Equal(2, guard.Statistics.Timeouts);
            await WaitUntilAsync(() => _logger.Contains(LogLevel.Warning, "timed out"));
        }
        finally
        {
            never.TrySetResult(AccessDecision.Allow);
            await guard.DisposeAsync();
        }
    }

    [Fact]
    public async Task Start_DecisionThrows_FailPolicyAnswersAtOnce()
    {
        var file = _mount.WriteFile("file.txt", "x");
        var options = Options() with { DefaultFailPolicy = FailPolicy.FailClosed };
        await using var guard = StartGuard(options, (_, _) => throw new InvalidOperationException("scan server gone"));

        var result = await ChildProcess.RunAsync("cat", [file]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(OperationNotPermitted, result.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, guard.Statistics.DecisionErrors);
        Assert.Equal(0, guard.Statistics.Timeouts);
    }

    [Fact]
    public async Task Start_OwnProcessOpensProtectedFile_NotInterceptedAndNoDeadlock()
    {
        var file = _mount.WriteFile("own.txt", "own bytes");
        var decisions = 0;
        // Denies whatever it is asked, and opens the path itself (as a scanner working by path would).
        await using var guard = StartGuard(Options(), (request, cancellationToken) =>
        {
            Interlocked.Increment(ref decisions);
            Assert.Equal("own bytes", File.ReadAllText(request.Path));
            return ValueTask.FromResult(AccessDecision.Deny);
        });

        var bytes = await Task.Run(() => File.ReadAllBytes(file)).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("own bytes", Encoding.UTF8.GetString(bytes));
        Assert.Equal(0, Volatile.Read(ref decisions));
        Assert.True(guard.Statistics.OwnProcessSkips >= 1, $"{guard.Statistics}");

        // A child's open reaches the decision, whose own open of the same file must not deadlock.
        var child = await ChildProcess.RunAsync("cat", [file], TimeSpan.FromSeconds(5));
        Assert.Contains(OperationNotPermitted, child.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, Volatile.Read(ref decisions));
    }

    [Fact]
    public async Task Start_ExcludedPathGlobOrProcessExecutable_AllowedWithoutDecision()
    {
        var log = _mount.WriteFile("logs/app.log", "log line");
        var data = _mount.WriteFile("data/file.txt", "data");
        var decisions = 0;
        var options = Options() with { ExcludedPaths = ["**/*.log"], ExcludedProcesses = ["/usr/bin/cat"] };
        await using var guard = StartGuard(options, (_, _) =>
        {
            Interlocked.Increment(ref decisions);
            return ValueTask.FromResult(AccessDecision.Deny);
        });

        var byGlob = await ChildProcess.RunAsync("head", ["-c", "100", log]);
        var byProcess = await ChildProcess.RunAsync("cat", [data]);
        var notExcluded = await ChildProcess.RunAsync("head", ["-c", "100", data]);

        Assert.Equal(0, byGlob.ExitCode);
        Assert.Equal("log line", byGlob.StandardOutput);
        Assert.Equal(0, byProcess.ExitCode);
        Assert.Equal("data", byProcess.StandardOutput);
        Assert.Contains(OperationNotPermitted, notExcluded.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, Volatile.Read(ref decisions));
        Assert.True(guard.Statistics.Excluded >= 2, $"{guard.Statistics}");
    }

    [Fact]
    public async Task DisposeAsync_DecisionPending_OpenerReleasedWithAllow()
    {
        var file = _mount.WriteFile("pending.txt", "released");
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stuck = new TaskCompletionSource<AccessDecision>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = Options() with { DecisionTimeout = TimeSpan.FromSeconds(30), DefaultFailPolicy = FailPolicy.FailClosed };
        var guard = StartGuard(options, (_, _) =>
        {
            asked.TrySetResult();
            return new ValueTask<AccessDecision>(stuck.Task); // ignores its token: a hung scan
        });
        try
        {
            using var cat = ChildProcess.Start("cat", [file]);
            await asked.Task.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.False(cat.HasExited);

            var stopping = Stopwatch.StartNew();
            await guard.DisposeAsync();
            var result = await ChildProcess.WaitAsync(cat, TimeSpan.FromSeconds(5));

            Assert.Equal(0, result.ExitCode);
            Assert.Equal("released", result.StandardOutput);
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"stop took {stopping.Elapsed}");
            Assert.False(guard.IsRunning);
            await WaitUntilAsync(() => _logger.Contains(LogLevel.Information, "1 pending opens released"));
        }
        finally
        {
            stuck.TrySetResult(AccessDecision.Deny);
            await guard.DisposeAsync();
        }
    }

    [Fact]
    public async Task Start_ExecOnlyMode_ExecutionDeniedAndPlainReadNotIntercepted()
    {
        var program = Path.Combine(_mount.Root, "bin", "true-copy");
        Directory.CreateDirectory(Path.GetDirectoryName(program)!);
        File.Copy("/bin/true", program);
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var kinds = new List<OnAccessEventKind>();
        await using var guard = StartGuard(Options() with { Mode = OnAccessMode.ExecOnly }, (request, _) =>
        {
            lock (kinds)
            {
                kinds.Add(request.Kind);
            }
            return ValueTask.FromResult(AccessDecision.Deny);
        });

        var read = await ChildProcess.RunAsync("head", ["-c", "4", program]);
        var executed = await ChildProcess.RunAsync("sh", ["-c", program]);

        Assert.Equal(0, read.ExitCode);
        Assert.NotEqual(0, executed.ExitCode);
        Assert.Contains(OperationNotPermitted, executed.StandardError, StringComparison.Ordinal);
        lock (kinds)
        {
            Assert.Equal([OnAccessEventKind.Execute], kinds);
        }
    }

    [Fact]
    public async Task Start_ProtectedPathIsSymlink_EventsMatchResolvedPath()
    {
        var file = _mount.WriteFile("real/file.txt", $"{Marker}");
        var link = _mount.Root + "-link";
        File.CreateSymbolicLink(link, Path.Combine(_mount.Root, "real"));
        try
        {
            await using var guard = StartGuard(Options() with { ProtectedPaths = [link] }, ContainsMarkerAsync);

            var result = await ChildProcess.RunAsync("cat", [Path.Combine(link, "file.txt")]);

            Assert.Contains(OperationNotPermitted, result.StandardError, StringComparison.Ordinal);
            Assert.Equal(1, guard.Statistics.Denied);
            await WaitUntilAsync(() => _logger.Contains(LogLevel.Information, "denied " + file));
        }
        finally
        {
            File.Delete(link);
        }
    }

    [Fact]
    public async Task Start_FilesystemMarkScope_DeniesLikeMountScope()
    {
        var infected = _mount.WriteFile("infected.txt", Marker);
        await using var guard = StartGuard(Options() with { MarkScope = OnAccessMarkScope.Filesystem }, ContainsMarkerAsync);

        var result = await ChildProcess.RunAsync("cat", [infected]);

        Assert.Contains(OperationNotPermitted, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ProtectedPathMissing_ThrowsWithHintAndAllowsNothingPending()
    {
        var guard = new FanotifyGuard(Options() with { ProtectedPaths = [Path.Combine(_mount.Root, "missing")] }, _logger);

        var error = Assert.Throws<FanotifyException>(() => guard.Start(AllowAsync));

        Assert.Equal(2, error.Errno);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.False(guard.IsRunning);
        await guard.DisposeAsync();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(5), "condition not met within 5 s");
            await Task.Delay(20);
        }
    }

    private OnAccessOptions Options() => new()
    {
        ProtectedPaths = [_mount.Root],
        MaxConcurrentDecisions = 4,
    };

    /// <summary>Starts a guard; fanotify being unavailable fails the test with the guard's explanation.</summary>
    private FanotifyGuard StartGuard(
        OnAccessOptions options,
        Func<OnAccessRequest, CancellationToken, ValueTask<AccessDecision>> decide,
        Func<string, ValueTask>? afterCloseWrite = null)
    {
        var guard = new FanotifyGuard(options, _logger);
        guard.Start(decide, afterCloseWrite);
        Assert.True(guard.IsRunning);
        return guard;
    }

    private static ValueTask<AccessDecision> AllowAsync(OnAccessRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AccessDecision.Allow);

    /// <summary>Reads the content through the event's descriptor, as the scanner will.</summary>
    private static ValueTask<AccessDecision> ContainsMarkerAsync(OnAccessRequest request, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var length = RandomAccess.Read(request.File, buffer, fileOffset: 0);
        var found = buffer.AsSpan(0, length).IndexOf(Encoding.ASCII.GetBytes(Marker)) >= 0;
        return ValueTask.FromResult(found ? AccessDecision.Deny : AccessDecision.Allow);
    }
}
