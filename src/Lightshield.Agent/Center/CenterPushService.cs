using Grpc.Core;
using Lightshield.Protocol.Center;

namespace Lightshield.Agent.Center;

/// <summary>
/// Holds the center's push stream open while the agent runs: each nudge that means "something new for you" makes the
/// sync loop sync at once (<see cref="SyncTrigger"/>); the data itself still comes only with the sync. When the stream
/// breaks or the center ends it, the agent opens another after a random wait of up to a doubling limit (1 s, 2 s, ...
/// 60 s; reset once a stream has lived a minute), so a restarted center is not met by every agent at once. A center
/// without the channel answers Unimplemented: the agent then only syncs, and asks again every 10 minutes.
/// </summary>
public sealed partial class CenterPushService(CenterConnection center, EnrolmentStore enrolment, SyncTrigger trigger, TimeProvider time,
    ILogger<CenterPushService> logger) : BackgroundService
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan WithoutChannelRetry = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan HealthyStream = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var limit = FirstBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (enrolment.Credential is null)
            {
                await Task.Delay(FirstBackoff, time, stoppingToken);
                continue;
            }
            var opened = time.GetTimestamp();
            var wait = TimeSpan.Zero;
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.Unimplemented && !stoppingToken.IsCancellationRequested)
            {
                LogNoChannel(logger);
                wait = WithoutChannelRetry;
            }
            catch (RpcException exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogBroken(logger, exception.StatusCode, exception.Status.Detail);
            }
            limit = time.GetElapsedTime(opened) >= HealthyStream ? FirstBackoff : TimeSpan.FromTicks(Math.Min(limit.Ticks * 2, MaxBackoff.Ticks));
            await Task.Delay(wait > TimeSpan.Zero ? wait : limit * Random.Shared.NextDouble(), time, stoppingToken);
        }
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        using var call = center.Gateway.Subscribe(new SubscribeRequest(), center.Streaming(cancellationToken));
        await foreach (var nudge in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            if (nudge.Reason is "hello" or "keepalive")
            {
                continue;
            }
            LogNudged(logger, nudge.Reason);
            trigger.Request();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The center nudged the agent ({Reason}): syncing now")]
    private static partial void LogNudged(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The center's push stream ended ({Status}: {Detail}); opening another after a random wait")]
    private static partial void LogBroken(ILogger logger, StatusCode status, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "The center has no push channel: the agent hears of new tasks and policies at its syncs")]
    private static partial void LogNoChannel(ILogger logger);
}
