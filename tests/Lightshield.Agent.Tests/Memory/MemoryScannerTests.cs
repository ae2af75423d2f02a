using System.Diagnostics;
using System.Text;
using Lightshield.Agent.Events;
using Lightshield.Agent.Index;
using Lightshield.Agent.Memory;
using Lightshield.Agent.Scanning;
using Lightshield.Agent.Tests.Support;
using Lightshield.Client.Content;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lightshield.Agent.Tests.Memory;

public sealed class MemoryScannerTests : IDisposable
{
    private readonly TempState _state = new();

    public void Dispose() => _state.Dispose();

    [Fact]
    public async Task ScanAsync_RunningProcessWithMarkedExecutable_ReportedWithPidAndName()
    {
        // A copy of sleep(1) carrying the starter database's test marker: a harmless "infected" program.
        var program = Path.Combine(_state.Directory, "marked-sleep");
        await File.WriteAllBytesAsync(program, [.. await File.ReadAllBytesAsync("/bin/sleep"), .. Encoding.ASCII.GetBytes("LIGHTSHIELD-TEST-MARKER-5f1c7a")]);
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        using var running = Process.Start(program, "30")!;
        try
        {
            await using var server = await LocalScanServer.StartAsync();
            using var pool = new ScanServerPool([server.Endpoint], TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeProvider.System,
                NullLogger<ScanServerPool>.Instance);
            var outbox = new EventOutbox(_state.Database, TimeProvider.System);
            var scanner = new MemoryScanner(new FileBatchScanner(pool, new FileIndex(_state.Database), new ReadRateLimiter(0, TimeProvider.System), "t"), outbox);

            var (files, detections) = await scanner.ScanAsync(CancellationToken.None);

            Assert.True(files > 10, $"only {files} process images found");
            var detection = Assert.Single(detections, d => d.ProcessId == running.Id);
            Assert.Equal("marked-sleep", detection.ProcessName);
            Assert.Equal(program, detection.Path);
            Assert.Contains(detection.Names, n => n.StartsWith("Lightshield.Test.Marker", StringComparison.Ordinal));
            Assert.Contains(await outbox.PendingAsync(), e => e.Type == "memory-detection" && e.Payload.Contains($"\"pid\":{running.Id}", StringComparison.Ordinal));
        }
        finally
        {
            running.Kill();
        }
    }

    [Theory]
    [InlineData("7f1c2a000000-7f1c2a022000 r--p 00000000 08:01 1835023                    /usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6")]
    [InlineData("7ffd1b2f0000-7ffd1b311000 rw-p 00000000 00:00 0                          [stack]", null)]
    [InlineData("55d4c2a00000-55d4c2a21000 rw-p 00000000 00:00 0 ", null)]
    [InlineData("7f1c2a000000-7f1c2a022000 r-xp 00000000 08:01 1835023   /tmp/gone (deleted)", null)]
    [InlineData("7f1c2a000000-7f1c2a022000 r-xp 00000000 08:01 1835023   /opt/app/with space.so", "/opt/app/with space.so")]
    public void MappedPath_MapsLine_FileBackedPathOnly(string line, string? expected) => Assert.Equal(expected, ProcessImages.MappedPath(line));
}
