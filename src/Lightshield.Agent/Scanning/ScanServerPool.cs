using Grpc.Core;
using Grpc.Net.Client;
using Lightshield.Agent.Configuration;
using Lightshield.Protocol.Client;
using Lightshield.Protocol.Scan;

namespace Lightshield.Agent.Scanning;

/// <summary>
/// The ordered scan servers of an agent and the one in use. A call that fails for a transport reason is
/// retried on the same server until it has not answered for <c>failoverTimeout</c>; then the pool moves to the
/// next server. Every <c>preferredRetryInterval</c> it tries the first (preferred) server again and returns
/// to it when it answers. Only the agent dials: nothing here listens.
/// </summary>
public sealed partial class ScanServerPool : IDisposable
{
    private readonly IReadOnlyList<ScanServerEndpoint> _endpoints;
    private readonly GrpcChannel[] _channels;
    private readonly ScanServerClient[] _clients;
    private readonly TimeSpan _failoverTimeout;
    private readonly TimeSpan _preferredRetryInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private int _current;
    private DateTimeOffset _lastAnswer;
    private DateTimeOffset _lastPreferredProbe;

    public ScanServerPool(IReadOnlyList<ScanServerEndpoint> endpoints, TimeSpan failoverTimeout, TimeSpan preferredRetryInterval,
        TimeProvider time, ILogger<ScanServerPool> logger)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.Count == 0)
        {
            throw new ArgumentException("At least one scan server is needed.", nameof(endpoints));
        }
        _endpoints = endpoints;
        _channels = [.. endpoints.Select(e => ScanServerChannel.Open(e.Address, e.CertificateSha256))];
        _clients = [.. _channels.Select(c => new ScanServerClient(new ScanService.ScanServiceClient(c)))];
        _failoverTimeout = failoverTimeout;
        _preferredRetryInterval = preferredRetryInterval;
        _time = time;
        _logger = logger;
        _lastAnswer = time.GetUtcNow();
        _lastPreferredProbe = _lastAnswer;
    }

    /// <summary>The server in use now.</summary>
    public Uri Current => _endpoints[Volatile.Read(ref _current)].Address;

    public int Failovers { get; private set; }

    /// <summary>Runs <paramref name="call"/> on the current server, failing over as described; gives up only when
    /// <paramref name="cancellationToken"/> is cancelled. Non-transport errors (a refusal with a reason) propagate.</summary>
    public async Task<T> CallAsync<T>(Func<ScanServerClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        await ReturnToPreferredIfDueAsync(cancellationToken).ConfigureAwait(false);
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            var index = Volatile.Read(ref _current);
            try
            {
                var result = await call(_clients[index], cancellationToken).ConfigureAwait(false);
                Answered();
                return result;
            }
            catch (RpcException exception) when (IsTransportFailure(exception) && !cancellationToken.IsCancellationRequested)
            {
                FailOverIfSilentTooLong(index, exception);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            }
        }
    }

    /// <summary>Asks the current server what it runs, once, without failing over: a health probe.</summary>
    public Task<ServerInfo> ProbeAsync(CancellationToken cancellationToken) =>
        _clients[Volatile.Read(ref _current)].GetInfoAsync(cancellationToken);

    public static bool IsTransportFailure(RpcException exception) =>
        exception?.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded
            || (exception?.StatusCode == StatusCode.Internal && exception.InnerException is HttpRequestException or IOException)
            || (exception?.StatusCode == StatusCode.Cancelled && exception.InnerException is not OperationCanceledException);

    private void Answered()
    {
        lock (_lock)
        {
            _lastAnswer = _time.GetUtcNow();
        }
    }

    private void FailOverIfSilentTooLong(int failedIndex, RpcException exception)
    {
        lock (_lock)
        {
            if (_current != failedIndex || _time.GetUtcNow() - _lastAnswer < _failoverTimeout)
            {
                return;
            }
            var from = _endpoints[_current].Address;
            _current = (_current + 1) % _endpoints.Count;
            _lastAnswer = _time.GetUtcNow(); // the next server gets a full timeout of its own
            Failovers++;
            LogFailover(_logger, from, _endpoints[_current].Address, _failoverTimeout.TotalSeconds, exception.Status.Detail);
        }
    }

    private async Task ReturnToPreferredIfDueAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_current == 0 || _time.GetUtcNow() - _lastPreferredProbe < _preferredRetryInterval)
            {
                return;
            }
            _lastPreferredProbe = _time.GetUtcNow();
        }
        try
        {
            using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            probe.CancelAfter(TimeSpan.FromSeconds(5));
            await _clients[0].GetInfoAsync(probe.Token).ConfigureAwait(false);
            lock (_lock)
            {
                LogReturned(_logger, _endpoints[0].Address);
                _current = 0;
                _lastAnswer = _time.GetUtcNow();
            }
        }
        catch (Exception exception) when (exception is RpcException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Still away: stay where we are.
        }
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scan server {From} has not answered for {Seconds} s ({Reason}); failing over to {To}")]
    private static partial void LogFailover(ILogger logger, Uri from, Uri to, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Preferred scan server {Address} answers again; returning to it")]
    private static partial void LogReturned(ILogger logger, Uri address);
}
