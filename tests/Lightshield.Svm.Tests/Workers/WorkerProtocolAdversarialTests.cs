using System.Buffers.Binary;
using System.Diagnostics;
using Lightshield.Engine;
using Lightshield.Engine.Workers;
using Lightshield.Svm.Workers;
using Lightshield.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lightshield.Svm.Tests.Workers;

/// <summary>
/// A worker taken over by a parser exploit writes whatever it likes to the server. Its answers are read on a thread of
/// the server's own, where an exception left unhandled would end the whole scan server: each kind of garbage must end
/// only that worker, and fail the scan it owed with the reason.
/// </summary>
public sealed class WorkerProtocolAdversarialTests
{
    public static TheoryData<string, byte[]> Garbage => new()
    {
        { "an unknown message kind", [0xFF, 0, 0, 0, 0] },
        { "a header larger than the limit", Prefix(WorkerMessageKind.Verdict, int.MaxValue) },
        { "a negative header length", Prefix(WorkerMessageKind.Verdict, -1) },
        { "a header that is not JSON", Frame(WorkerMessageKind.Verdict, "{\"id\": 1, "u8.ToArray()) },
        { "a verdict of an unknown kind", Frame(WorkerMessageKind.Verdict, """{"id":1,"verdict":{"kind":99}}"""u8.ToArray()) },
        { "an answer to a scan never sent", Frame(WorkerMessageKind.Verdict, """{"id":4242,"verdict":{"kind":0}}"""u8.ToArray()) },
        { "a frame the server sends, not the worker", Frame(WorkerMessageKind.Scan, """{"id":1}"""u8.ToArray()) },
        { "a frame cut short", Prefix(WorkerMessageKind.Verdict, 1000) },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task A_worker_writing_garbage_fails_its_scan_with_the_reason_and_the_server_survives(string what, byte[] garbage)
    {
        using var files = new TempDirectory();
        File.WriteAllBytes(files.File("ready"), ReadyFrame());
        File.WriteAllBytes(files.File("garbage"), garbage);
        // Says it is ready, waits for the scan to be under way, answers it with the garbage and ends (a frame cut short then ends
        // inside the frame; a worker that stops writing half-way is the hang watchdog's, ScanWorkers).
        var start = new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", $"cat '{files.File("ready")}'; sleep 1; cat '{files.File("garbage")}'" } };
        var options = new EngineOptions { DatabaseDirectory = files.Path };

        await using var worker = await WorkerProcess.StartAsync(start, options, 1, TimeSpan.FromSeconds(30), NullLogger.Instance, CancellationToken.None);
        var lost = await Assert.ThrowsAsync<WorkerLostException>(() => worker.ScanAsync(new byte[] { 1, 2, 3 }, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("broke the protocol", lost.Message, StringComparison.Ordinal);
        await worker.Exited.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(worker.Exited.IsCompletedSuccessfully, what);
    }

    private static byte[] ReadyFrame()
    {
        using var frames = new MemoryStream();
        using var channel = new WorkerChannel(Stream.Null, frames);
        channel.Write(WorkerMessageKind.Ready, new WorkerReady("1.0.0", "0", "test", new DatabaseInfo("0-test", 0, [], DateTimeOffset.UnixEpoch), "none"));
        return frames.ToArray();
    }

    private static byte[] Prefix(WorkerMessageKind kind, int headerLength)
    {
        var prefix = new byte[5];
        prefix[0] = (byte)kind;
        BinaryPrimitives.WriteInt32LittleEndian(prefix.AsSpan(1), headerLength);
        return prefix;
    }

    private static byte[] Frame(WorkerMessageKind kind, byte[] header) =>
        [.. Prefix(kind, header.Length), .. header, .. new byte[8]];
}
