using Lightshield.Engine;
using Lightshield.Engine.Workers;
using Lightshield.Verdicts;

namespace Lightshield.ScanWorker;

/// <summary>
/// The worker's life: read the engine options, load the engine, confine the process (seccomp, see
/// <see cref="SyscallFilter"/>), say ready, then scan what the server sends, several at once, until its input ends.
/// Scans run on threads of their own, each reading its next frame and writing its verdict. No thread pool: a scan holds
/// its thread for its whole length, and a read queued behind scans would leave the others idle.
/// Exit codes: 0 input ended, 2 the engine could not be loaded, 3 the server sent something that is not a frame.
/// </summary>
internal static class WorkerHost
{
    public static int Run(Stream input, Stream output, TextWriter log)
    {
        using var channel = new WorkerChannel(input, output);
        var logger = new StderrLogger(log);
        WorkerStart start;
        using (var first = channel.Read(0))
        {
            if (first is not { Kind: WorkerMessageKind.Start })
            {
                log.WriteLine("lightshield-scan-worker: expected a start message on standard input");
                return 3;
            }
            start = WorkerChannel.Header<WorkerStart>(first);
        }
        ScanEngine engine;
        try
        {
            engine = ScanEngine.Load(start.Options, TimeProvider.System, logger);
        }
        catch (EngineException exception)
        {
            channel.Write(WorkerMessageKind.Failed, new WorkerFailed(exception.Message));
            return 2;
        }
        using (engine)
        {
            var confinement = SyscallFilter.Apply();
            WarmUp(engine);
            channel.Write(WorkerMessageKind.Ready, new WorkerReady(engine.EngineVersion, engine.Profile.ToString(),
                engine.ProfileDescription, engine.Database, confinement));
            return Serve(channel, engine, Math.Max(1, start.Concurrency), start.Options.MaxFileSize, log);
        }
    }

    /// <summary>Compiles the scan path (the runtime's JIT) before the worker says it is ready, so that the first scans
    /// after a start or a reload, on-access ones included, do not wait for it.</summary>
    private static void WarmUp(ScanEngine engine)
    {
        var verdict = engine.Scan("Lightshield scan worker warm-up"u8);
        _ = WorkerChannel.Serialize(new WorkerVerdict(0, verdict));
    }

    /// <summary>Each of <paramref name="concurrency"/> threads takes the next frame (one reads at a time), scans it and
    /// writes its verdict: no hand-over between a reading thread and a scanning one.</summary>
    private static int Serve(WorkerChannel channel, ScanEngine engine, int concurrency, long maxFileSize, TextWriter log)
    {
        var reading = new Lock();
        var exitCode = 0;
        void ScanEach()
        {
            try
            {
                while (true)
                {
                    WorkerFrame? frame;
                    lock (reading)
                    {
                        frame = exitCode == 0 ? channel.Read(maxFileSize) : null;
                    }
                    if (frame is null)
                    {
                        return;
                    }
                    long id;
                    Verdict verdict;
                    using (frame)
                    {
                        if (frame.Kind != WorkerMessageKind.Scan)
                        {
                            throw new InvalidDataException($"unexpected {frame.Kind} message");
                        }
                        id = WorkerChannel.Header<WorkerScan>(frame).Id;
                        verdict = engine.Scan(frame.Payload.Span);
                    }
                    channel.Write(WorkerMessageKind.Verdict, new WorkerVerdict(id, verdict));
                }
            }
            catch (InvalidDataException exception)
            {
                log.WriteLine($"lightshield-scan-worker: {exception.Message}");
                exitCode = 3;
                Environment.Exit(3); // the other threads may be blocked reading a stream that no longer makes sense
            }
            catch (IOException exception)
            {
                // The server went away (its end of a pipe is closed): nothing to answer to.
                log.WriteLine($"lightshield-scan-worker: {exception.Message}");
            }
        }
        var scanners = Enumerable.Range(0, concurrency)
            .Select(index => new Thread(ScanEach) { Name = $"scan-{index}" })
            .ToList();
        scanners.ForEach(thread => thread.Start());
        scanners.ForEach(thread => thread.Join());
        return exitCode;
    }
}
