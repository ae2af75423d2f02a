namespace Lightshield.ScaleBench;

/// <summary>Latencies of calls (thread-safe), and failures by status.</summary>
internal sealed class LatencyLog
{
    private readonly List<double> _milliseconds = [];

    public List<string> Failures { get; } = [];

    public int Count
    {
        get
        {
            lock (_milliseconds)
            {
                return _milliseconds.Count;
            }
        }
    }

    public void Add(TimeSpan elapsed)
    {
        lock (_milliseconds)
        {
            _milliseconds.Add(elapsed.TotalMilliseconds);
        }
    }

    public void Fail(string status)
    {
        lock (Failures)
        {
            Failures.Add(status);
        }
    }

    public double Percentile(double p)
    {
        lock (_milliseconds)
        {
            if (_milliseconds.Count == 0)
            {
                return double.NaN;
            }
            _milliseconds.Sort();
            return _milliseconds[Math.Clamp((int)Math.Ceiling(p * _milliseconds.Count) - 1, 0, _milliseconds.Count - 1)];
        }
    }
}
