using System.Globalization;
using Lightshield.Svm.Admission;

namespace Lightshield.Svm.Scanning;

/// <summary>
/// Watches one admitted upload: it must end within <see cref="AdmissionOptions.ReceiveDeadline"/> and, once
/// <see cref="AdmissionOptions.UploadRateGrace"/> has passed, average at least <see cref="AdmissionOptions.MinUploadRate"/>
/// (or have sent the whole file). A client that sends its header and then nothing, or trickles, would otherwise hold a
/// scan slot for as long as it likes. When a rule is broken, <see cref="Token"/> is cancelled and <see cref="Stall"/> says
/// why; a timer on the server's <see cref="TimeProvider"/> checks, so a client that sends nothing at all is caught too.
/// </summary>
internal sealed class UploadGuard : IDisposable
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(250);
    private readonly AdmissionOptions _options;
    private readonly TimeProvider _time;
    private readonly long _declaredSize;
    private readonly long _started;
    private readonly CancellationTokenSource _cancel;
    private readonly ITimer _timer;
    private long _received;
    private int _done;

    public UploadGuard(AdmissionOptions options, TimeProvider time, long declaredSize, CancellationToken callToken)
    {
        _options = options;
        _time = time;
        _declaredSize = declaredSize;
        _started = time.GetTimestamp();
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(callToken);
        _timer = time.CreateTimer(static state => ((UploadGuard)state!).Check(), this, CheckInterval, CheckInterval);
    }

    /// <summary>Cancelled when the call is, or when the upload breaks a rule.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Why the upload lost its slot (the client's message); null while it keeps to the rules.</summary>
    public string? Stall { get; private set; }

    /// <summary>Which rule it broke, for the metric: <c>deadline</c> or <c>rate</c>.</summary>
    public string? StallReason { get; private set; }

    public void Received(int bytes) => Interlocked.Add(ref _received, bytes);

    /// <summary>The whole content arrived: no rule applies any more.</summary>
    public void Complete()
    {
        Volatile.Write(ref _done, 1);
        _timer.Dispose();
    }

    private void Check()
    {
        if (Volatile.Read(ref _done) != 0 || _cancel.IsCancellationRequested)
        {
            return;
        }
        var elapsed = _time.GetElapsedTime(_started);
        var received = Interlocked.Read(ref _received);
        if (elapsed >= _options.ReceiveDeadline)
        {
            Break("deadline", string.Create(CultureInfo.InvariantCulture,
                $"upload stalled: {received} of {_declaredSize} bytes in {elapsed.TotalSeconds:0.0} s, over the receive deadline of {_options.ReceiveDeadline.TotalSeconds:0.###} s"));
        }
        else if (elapsed >= _options.UploadRateGrace && received < Math.Min(_declaredSize, _options.MinUploadRate * elapsed.TotalSeconds))
        {
            Break("rate", string.Create(CultureInfo.InvariantCulture,
                $"upload stalled: {received} bytes in {elapsed.TotalSeconds:0.0} s, below the minimum rate of {_options.MinUploadRate / 1024.0:0.#} KiB/s"));
        }
    }

    private void Break(string reason, string message)
    {
        if (Interlocked.Exchange(ref _done, 1) != 0)
        {
            return;
        }
        StallReason = reason;
        Stall = message + "; the scan lost its slot and nothing was scanned or cached";
        _timer.Dispose();
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The scan ended meanwhile: nothing left to stop.
        }
    }

    public void Dispose()
    {
        Volatile.Write(ref _done, 1);
        _timer.Dispose();
        _cancel.Dispose();
    }
}
