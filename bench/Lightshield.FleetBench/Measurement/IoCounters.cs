using System.Globalization;

namespace Lightshield.FleetBench.Measurement;

/// <summary>
/// A process's I/O as the kernel counts it in <c>/proc/PID/io</c>: <c>read_bytes</c> and <c>write_bytes</c> (bytes
/// fetched from or sent towards the block device, page cache hits and memory-mapped reads not counted; a write counts
/// when it dirties the page) and <c>syscw</c> (write system calls: SQLite's page writes, a log line, a socket send).
/// </summary>
internal readonly record struct IoCounters(long ReadBytes, long WriteBytes, long WriteCalls)
{
    public static readonly IoCounters Zero = new(0, 0, 0);

    public static IoCounters operator +(IoCounters a, IoCounters b) =>
        new(a.ReadBytes + b.ReadBytes, a.WriteBytes + b.WriteBytes, a.WriteCalls + b.WriteCalls);

    public static IoCounters operator -(IoCounters a, IoCounters b) =>
        new(a.ReadBytes - b.ReadBytes, a.WriteBytes - b.WriteBytes, a.WriteCalls - b.WriteCalls);

    /// <summary>The counters of a live process; null once it is gone (or not readable).</summary>
    public static IoCounters? Read(int pid)
    {
        try
        {
            return Parse(File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/io"));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Parses the text of <c>/proc/PID/io</c> (<c>name: value</c> lines); a missing field is an error.</summary>
    public static IoCounters Parse(string text)
    {
        var fields = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && long.TryParse(line.AsSpan(colon + 1).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                fields[line[..colon].Trim()] = value;
            }
        }
        return new IoCounters(Field("read_bytes"), Field("write_bytes"), Field("syscw"));

        long Field(string name) => fields.TryGetValue(name, out var value) ? value
            : throw new FormatException($"/proc/PID/io without {name}: {text}");
    }
}
