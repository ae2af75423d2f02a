using Lightshield.Engine;
using Lightshield.Engine.Workers;
using Lightshield.Verdicts;

namespace Lightshield.ScanWorker;

/// <summary>
/// The worker's life: read the engine options, load the engine, confine the process (seccomp, see
/// <see cref="SyscallFilter"/>), say ready, then scan what the server sends, several at once, until its input ends.
/// Exit codes: 0 input ended, 2 the engine could not be loaded, 3 the server sent something that is not a frame.
/// </summary>
internal static class WorkerHost
{
    public static async Task<int> RunAsync(Stream input, Stream output, TextWriter log)
    {
        var channel = new WorkerChannel(input, output);
        var logger = new StderrLogger(log);
        WorkerStart start;
        using (var first = await channel.ReadAsync(0, CancellationToken.None).ConfigureAwait(false))
        {
            if (first is not { Kind: WorkerMessageKind.Start })
            {
                await log.WriteLineAsync("lightshield-scan-worker: expected a start message on standard input").ConfigureAwait(false);
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
            await channel.WriteAsync(WorkerMessageKind.Failed, new WorkerFailed(exception.Message), default, CancellationToken.None)
                .ConfigureAwait(false);
            return 2;
        }
        using (engine)
        {
            var confinement = SyscallFilter.Apply();
            await channel.WriteAsync(WorkerMessageKind.Ready, new WorkerReady(engine.EngineVersion, engine.Profile.ToString(),
                engine.ProfileDescription, engine.Database, confinement), default, CancellationToken.None).ConfigureAwait(false);
            return await ServeAsync(channel, engine, start, log).ConfigureAwait(false);
        }
    }

    private static async Task<int> ServeAsync(WorkerChannel channel, ScanEngine engine, WorkerStart start, TextWriter log)
    {
        using var slots = new SemaphoreSlim(Math.Max(1, start.Concurrency));
        var running = new List<Task>();
        try
        {
            while (await channel.ReadAsync(start.Options.MaxFileSize, CancellationToken.None).ConfigureAwait(false) is { } frame)
            {
                if (frame.Kind != WorkerMessageKind.Scan)
                {
                    frame.Dispose();
                    throw new InvalidDataException($"unexpected {frame.Kind} message");
                }
                var request = frame;
                var scan = WorkerChannel.Header<WorkerScan>(request);
                await slots.WaitAsync().ConfigureAwait(false);
                running.RemoveAll(task => task.IsCompleted);
                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        Verdict verdict;
                        using (request)
                        {
                            verdict = engine.Scan(request.Payload.Span);
                        }
                        await channel.WriteAsync(WorkerMessageKind.Verdict, new WorkerVerdict(scan.Id, verdict), default, CancellationToken.None)
                            .ConfigureAwait(false);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }));
            }
            await Task.WhenAll(running).ConfigureAwait(false);
            return 0;
        }
        catch (InvalidDataException exception)
        {
            await log.WriteLineAsync($"lightshield-scan-worker: {exception.Message}").ConfigureAwait(false);
            return 3;
        }
        catch (IOException exception)
        {
            // The server went away (its end of the pipe is closed): nothing to answer to.
            await log.WriteLineAsync($"lightshield-scan-worker: {exception.Message}").ConfigureAwait(false);
            return 0;
        }
    }
}
