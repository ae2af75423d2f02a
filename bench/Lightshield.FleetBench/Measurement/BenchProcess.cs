using System.Diagnostics;
using Lightshield.BenchShared;

namespace Lightshield.FleetBench.Measurement;

/// <summary>
/// A process started by the benchmark (a ClamAV program, a scan server, an agent): its output is kept, and its peak
/// memory is sampled every 100 ms while it runs, so that the peak of a process that has exited is known too (VmHWM
/// only rises; the last sample misses at most the last 100 ms). Its CPU and memory include its descendants: the scan
/// server's libclamav runs in sandboxed worker processes it starts.
/// </summary>
internal sealed class BenchProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _peak;
    private IoCounters _lastIo = IoCounters.Zero;
    private IoCounters _ioMark = IoCounters.Zero;

    private BenchProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _sampler = SampleAsync(_stop.Token);
    }

    public int Id => _process.Id;

    public string Name { get; private init; } = "";

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Peak memory in bytes: the larger of the process's own VmHWM and the highest sampled proportional set size
    /// of the process with its descendants (which counts pages they share once); the last sample after exit.</summary>
    public long PeakResidentBytes => Math.Max(Volatile.Read(ref _peak), _process.HasExited ? 0 : ProcessProbe.PeakResidentBytes(_process.Id));

    public static BenchProcess Start(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        return new BenchProcess(Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start")) { Name = Path.GetFileName(file) };
    }

    /// <summary>CPU seconds used so far by the process and its descendants (the process must still run).</summary>
    public double CpuSeconds => ProcessTree.TreeCpuSeconds(_process.Id);

    /// <summary>The process's I/O so far: read now while it runs, its last sample once it has exited.</summary>
    public IoCounters Io
    {
        get
        {
            if (!_process.HasExited && IoCounters.Read(_process.Id) is { } now)
            {
                lock (_output)
                {
                    _lastIo = now;
                }
            }
            lock (_output)
            {
                return _lastIo;
            }
        }
    }

    /// <summary>I/O since <see cref="MarkIo"/> (since the start when never marked).</summary>
    public IoCounters IoSinceMark => Io - _ioMark;

    /// <summary>Starts counting I/O from now (the next scan's own).</summary>
    public void MarkIo() => _ioMark = Io;

    /// <summary>Current resident memory (VmRSS) in bytes; 0 once the process is gone.</summary>
    public long ResidentBytes => _process.HasExited ? 0 : ProcessTree.KibibyteField($"/proc/{_process.Id}/status", "VmRSS:");

    /// <summary>Starts a new peak: VmHWM is reset to the current resident set.</summary>
    public void ResetPeak()
    {
        ProcessProbe.ResetPeak(_process.Id);
        Volatile.Write(ref _peak, 0);
    }

    public async Task WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        await _stop.CancelAsync();
        await _sampler;
    }

    /// <summary>Waits until a line of output contains <paramref name="text"/>; returns that line.</summary>
    public async Task<string> WaitForOutputAsync(string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (FindLine(text) is { } line)
            {
                return line;
            }
            if (_process.HasExited || clock.Elapsed > timeout)
            {
                throw new InvalidOperationException($"{Name} did not write '{text}' (exited: {_process.HasExited}):\n{string.Join('\n', Output.TakeLast(30))}");
            }
            await Task.Delay(20, cancellationToken);
        }
    }

    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        await _stop.CancelAsync();
        await _sampler;
        _process.Dispose();
        _stop.Dispose();
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            do
            {
                if (!_process.HasExited)
                {
                    var peak = Math.Max(ProcessProbe.PeakResidentBytes(_process.Id), ProcessTree.TreeProportionalBytes(_process.Id));
                    if (peak > Volatile.Read(ref _peak))
                    {
                        Volatile.Write(ref _peak, peak);
                    }
                    _ = Io;
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }

    private string? FindLine(string text)
    {
        lock (_output)
        {
            return _output.Find(l => l.Contains(text, StringComparison.Ordinal));
        }
    }
}
