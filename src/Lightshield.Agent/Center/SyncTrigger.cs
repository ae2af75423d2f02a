using System.Threading.Channels;

namespace Lightshield.Agent.Center;

/// <summary>Asks the sync loop to sync now instead of at the end of its interval (a nudge from the center's push
/// channel). Requests made while a sync waits or runs merge into one.</summary>
public sealed class SyncTrigger
{
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Request() => _requests.Writer.TryWrite(true);

    /// <summary>Waits for <paramref name="delay"/> or a request, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await _requests.Reader.ReadAsync(either.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The interval is over.
        }
    }
}
