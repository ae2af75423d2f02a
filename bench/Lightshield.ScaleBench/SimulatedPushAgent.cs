using System.Diagnostics;
using Grpc.Core;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;

namespace Lightshield.ScaleBench;

/// <summary>One simulated agent's push stream, reopened as the agent reopens it (<c>CenterPushService</c> in the agent):
/// after a break, a random wait of up to a limit that doubles from 1 s to 60 s with each failed attempt and starts again
/// at 1 s when the stream had lived a minute. Records, on the bench's clock, its first nudge and every stream opening and
/// attempt.</summary>
internal sealed class SimulatedPushAgent(AgentGateway.AgentGatewayClient gateway, string credential, Stopwatch clock)
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan HealthyStream = TimeSpan.FromMinutes(1);
    private readonly List<TimeSpan> _attempts = [];
    private readonly List<TimeSpan> _opened = [];

    /// <summary>When the first "tasks" nudge came, or zero.</summary>
    public TimeSpan Nudged { get; private set; }

    /// <summary>How many streams the center has opened (answered hello) for this agent.</summary>
    public int Streams
    {
        get
        {
            lock (_opened)
            {
                return _opened.Count;
            }
        }
    }

    public IReadOnlyList<TimeSpan> Attempts
    {
        get
        {
            lock (_opened)
            {
                return [.. _attempts];
            }
        }
    }

    public IReadOnlyList<TimeSpan> Opened
    {
        get
        {
            lock (_opened)
            {
                return [.. _opened];
            }
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        var limit = FirstBackoff;
        while (!stop.IsCancellationRequested)
        {
            var started = clock.Elapsed;
            var opened = TimeSpan.Zero;
            lock (_opened)
            {
                _attempts.Add(started);
            }
            try
            {
                using var call = gateway.Subscribe(new SubscribeRequest(), new CallOptions(
                    [new Metadata.Entry(AgentCredentialFormat.MetadataKey, AgentCredentialFormat.Scheme + credential)], cancellationToken: stop));
                await foreach (var nudge in call.ResponseStream.ReadAllAsync(stop))
                {
                    if (nudge.Reason == "hello")
                    {
                        opened = clock.Elapsed;
                        lock (_opened)
                        {
                            _opened.Add(opened);
                        }
                    }
                    else if (nudge.Reason == "tasks" && Nudged == TimeSpan.Zero)
                    {
                        Nudged = clock.Elapsed;
                    }
                }
            }
            catch (RpcException) when (!stop.IsCancellationRequested)
            {
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            var lived = opened == TimeSpan.Zero ? TimeSpan.Zero : clock.Elapsed - opened;
            limit = lived >= HealthyStream ? FirstBackoff : TimeSpan.FromTicks(Math.Min(limit.Ticks * 2, MaxBackoff.Ticks));
            try
            {
                await Task.Delay(limit * Random.Shared.NextDouble(), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
