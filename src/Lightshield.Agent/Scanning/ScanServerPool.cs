using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Lightshield.Agent.Configuration;
using Lightshield.Client;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Scan;
using Lightshield.Protocol.Transport;

namespace Lightshield.Agent.Scanning;

/// <summary>
/// The ordered scan servers of an agent and the one in use. A call that fails for a transport reason is
/// retried on the same server until it has not answered for <c>failoverTimeout</c>; then the pool moves to the
/// next server. Every <c>preferredRetryInterval</c> it tries the first (preferred) server again and returns
/// to it when it answers. Only the agent dials: nothing here listens.
/// </summary>
public sealed partial class ScanServerPool : IDisposable
{
    private static readonly TimeSpan RetiredChannelLifetime = TimeSpan.FromMinutes(5);
    private readonly Func<string?>? _credential;
    private readonly ProofKey? _proofKey;
    private readonly TimeSpan _failoverTimeout;
    private readonly TimeSpan _preferredRetryInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly List<(ServerSet Set, ITimer? Disposal)> _retired = [];
    private ServerSet _set;
    private int _current;
    private bool _suspended;
    private DateTimeOffset _lastAnswer;
    private DateTimeOffset _lastPreferredProbe;

    /// <summary>A pool of <paramref name="endpoints"/> in order of preference, which may be empty only when a
    /// <paramref name="credential"/> is given (an agent of a center, waiting for its first assignment). The credential is
    /// sent with every call and asked for each time, so a renewed one is used at once; with a <paramref name="proofKey"/>,
    /// each call also proves possession of it.</summary>
    public ScanServerPool(IReadOnlyList<ScanServerEndpoint> endpoints, TimeSpan failoverTimeout, TimeSpan preferredRetryInterval,
        TimeProvider time, ILogger<ScanServerPool> logger, Func<string?>? credential = null, ProofKey? proofKey = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.Count == 0 && credential is null)
        {
            throw new ArgumentException("At least one scan server is needed.", nameof(endpoints));
        }
        _credential = credential;
        _proofKey = proofKey;
        _set = ServerSet.Open(endpoints, credential, proofKey, time);
        _failoverTimeout = failoverTimeout;
        _preferredRetryInterval = preferredRetryInterval;
        _time = time;
        _logger = logger;
        _lastAnswer = time.GetUtcNow();
        _lastPreferredProbe = _lastAnswer;
    }

    /// <summary>The server in use now; null when there is none (no assignment yet, or service suspended).</summary>
    public Uri? Current
    {
        get
        {
            lock (_lock)
            {
                return _suspended || _set.Endpoints.Count == 0 ? null : _set.Endpoints[_current].Address;
            }
        }
    }

    /// <summary>The servers in order of preference.</summary>
    public IReadOnlyList<ScanServerEndpoint> Endpoints => Volatile.Read(ref _set).Endpoints;

    public int Failovers { get; private set; }

    /// <summary>Whether the tenant's service is suspended: no call reaches a scan server until it is lifted.</summary>
    public bool Suspended
    {
        get => Volatile.Read(ref _suspended);
        set
        {
            lock (_lock)
            {
                if (_suspended != value)
                {
                    _suspended = value;
                    _lastAnswer = _time.GetUtcNow();
                    LogSuspended(_logger, value);
                }
            }
        }
    }

    /// <summary>Switches to another ordered list (a center assignment) while scans run: calls in flight finish on the
    /// server they started on (its channel is closed a few minutes later), the next calls go to the new preferred
    /// server, and failover continues from there. An identical list changes nothing.</summary>
    public bool Replace(IReadOnlyList<ScanServerEndpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        lock (_lock)
        {
            if (endpoints.SequenceEqual(_set.Endpoints))
            {
                return false;
            }
            var old = _set;
            _set = ServerSet.Open([.. endpoints], _credential, _proofKey, _time);
            _current = 0;
            _lastAnswer = _time.GetUtcNow();
            _lastPreferredProbe = _lastAnswer;
            _retired.Add((old, _time.CreateTimer(_ => DisposeRetired(old), null, RetiredChannelLifetime, Timeout.InfiniteTimeSpan)));
            LogReplaced(_logger, string.Join(", ", endpoints.Select(e => e.Address)));
            return true;
        }
    }

    /// <summary>Runs <paramref name="call"/> on the current server, failing over as described; gives up only when
    /// <paramref name="cancellationToken"/> is cancelled. Non-transport errors (a refusal with a reason) propagate.
    /// Without a server (none assigned, or suspended) it waits, as for a server that does not answer.</summary>
    public async Task<T> CallAsync<T>(Func<ScanServerClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        await ReturnToPreferredIfDueAsync(cancellationToken).ConfigureAwait(false);
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            var (set, index) = Snapshot();
            try
            {
                var client = index < 0 ? throw NoServer() : set.Clients[index];
                var result = await call(client, cancellationToken).ConfigureAwait(false);
                Answered();
                return result;
            }
            catch (RpcException exception) when (IsTransportFailure(exception) && !cancellationToken.IsCancellationRequested)
            {
                FailOverIfSilentTooLong(set, index, exception);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            }
        }
    }

    /// <summary>Asks the current server what it runs, once, without failing over: a health probe.</summary>
    public Task<ServerInfo> ProbeAsync(CancellationToken cancellationToken)
    {
        var (set, index) = Snapshot();
        return index < 0 ? Task.FromException<ServerInfo>(NoServer()) : set.Clients[index].GetInfoAsync(cancellationToken);
    }

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

    private (ServerSet Set, int Index) Snapshot()
    {
        lock (_lock)
        {
            return (_set, _suspended || _set.Endpoints.Count == 0 ? -1 : _current);
        }
    }

    private RpcException NoServer() => new(new Status(StatusCode.Unavailable,
        Suspended ? "the tenant's service is suspended" : "no scan server is assigned yet"));

    private void FailOverIfSilentTooLong(ServerSet failedSet, int failedIndex, RpcException exception)
    {
        lock (_lock)
        {
            if (failedIndex < 0 || _set != failedSet || _current != failedIndex || _time.GetUtcNow() - _lastAnswer < _failoverTimeout)
            {
                return;
            }
            var endpoints = _set.Endpoints;
            var from = endpoints[_current].Address;
            _current = (_current + 1) % endpoints.Count;
            _lastAnswer = _time.GetUtcNow(); // the next server gets a full timeout of its own
            Failovers++;
            LogFailover(_logger, from, endpoints[_current].Address, _failoverTimeout.TotalSeconds, exception.Status.Detail);
        }
    }

    private async Task ReturnToPreferredIfDueAsync(CancellationToken cancellationToken)
    {
        ServerSet set;
        lock (_lock)
        {
            if (_current == 0 || _suspended || _time.GetUtcNow() - _lastPreferredProbe < _preferredRetryInterval)
            {
                return;
            }
            _lastPreferredProbe = _time.GetUtcNow();
            set = _set;
        }
        try
        {
            using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            probe.CancelAfter(TimeSpan.FromSeconds(5));
            await set.Clients[0].GetInfoAsync(probe.Token).ConfigureAwait(false);
            lock (_lock)
            {
                if (_set == set)
                {
                    LogReturned(_logger, set.Endpoints[0].Address);
                    _current = 0;
                    _lastAnswer = _time.GetUtcNow();
                }
            }
        }
        catch (Exception exception) when (exception is RpcException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Still away: stay where we are.
        }
    }

    private void DisposeRetired(ServerSet set)
    {
        lock (_lock)
        {
            var index = _retired.FindIndex(r => r.Set == set);
            if (index < 0)
            {
                return;
            }
            _retired[index].Disposal?.Dispose();
            _retired.RemoveAt(index);
        }
        set.Dispose();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var (set, disposal) in _retired)
            {
                disposal?.Dispose();
                set.Dispose();
            }
            _retired.Clear();
            _set.Dispose();
        }
    }

    /// <summary>One ordered list of servers with their channels.</summary>
    private sealed class ServerSet(IReadOnlyList<ScanServerEndpoint> endpoints, GrpcChannel[] channels, ScanServerClient[] clients) : IDisposable
    {
        public IReadOnlyList<ScanServerEndpoint> Endpoints { get; } = endpoints;

        public ScanServerClient[] Clients { get; } = clients;

        public static ServerSet Open(IReadOnlyList<ScanServerEndpoint> endpoints, Func<string?>? credential, ProofKey? proofKey, TimeProvider time)
        {
            GrpcChannel[] channels = [.. endpoints.Select(e => GrpcChannels.Open(e.Address, e.CertificateSha256))];
            return new ServerSet(endpoints, channels, [.. channels.Select(c => new ScanServerClient(Service(c, proofKey, time), credential, time))]);
        }

        private static ScanService.ScanServiceClient Service(GrpcChannel channel, ProofKey? proofKey, TimeProvider time) =>
            proofKey is null
                ? new ScanService.ScanServiceClient(channel)
                : new ScanService.ScanServiceClient(channel.Intercept(new PossessionProofInterceptor(proofKey, CredentialAudience.ScanServers, time)));

        public void Dispose()
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scan server {From} has not answered for {Seconds} s ({Reason}); failing over to {To}")]
    private static partial void LogFailover(ILogger logger, Uri from, Uri to, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scan servers assigned: {Addresses}")]
    private static partial void LogReplaced(ILogger logger, string addresses);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant service suspended: {Suspended} (while suspended no scan server is used; on access, the fail policy answers)")]
    private static partial void LogSuspended(ILogger logger, bool suspended);

    [LoggerMessage(Level = LogLevel.Information, Message = "Preferred scan server {Address} answers again; returning to it")]
    private static partial void LogReturned(ILogger logger, Uri address);
}
