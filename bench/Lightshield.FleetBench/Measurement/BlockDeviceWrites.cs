using System.Globalization;
using Lightshield.Client.Files;

namespace Lightshield.FleetBench.Measurement;

/// <summary>Writes completed and bytes written by the block device that holds a directory, from
/// <c>/sys/dev/block/MAJOR:MINOR/stat</c> (fields 5 and 7, sectors of 512 bytes). Machine-wide: every process writing to
/// that device counts, this benchmark's neighbours included, and writes reach the device when the kernel flushes them.</summary>
internal sealed class BlockDeviceWrites
{
    private readonly string _statPath;

    private BlockDeviceWrites(string device, string statPath)
    {
        Device = device;
        _statPath = statPath;
    }

    /// <summary>MAJOR:MINOR of the device.</summary>
    public string Device { get; }

    /// <summary>The device of <paramref name="directory"/>; null when it has none in /sys (tmpfs, overlay, not Linux).</summary>
    public static BlockDeviceWrites? Of(string directory)
    {
        if (!UnixFileStatus.TryGet(directory, out var status))
        {
            return null;
        }
        var (major, minor) = Split(status.Device);
        var device = FormattableString.Invariant($"{major}:{minor}");
        var path = $"/sys/dev/block/{device}/stat";
        return File.Exists(path) ? new BlockDeviceWrites(device, path) : null;
    }

    /// <summary>(writes completed, bytes written) so far.</summary>
    public (long Writes, long Bytes) Read() => Parse(File.ReadAllText(_statPath));

    /// <summary>Parses a block device's stat line (whitespace-separated counters; the kernel pads them).</summary>
    public static (long Writes, long Bytes) Parse(string text)
    {
        var fields = text.Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 7)
        {
            throw new FormatException($"a block device stat line has at least 7 fields: '{text.Trim()}'");
        }
        return (long.Parse(fields[4], CultureInfo.InvariantCulture), long.Parse(fields[6], CultureInfo.InvariantCulture) * 512);
    }

    /// <summary>The device number as <see cref="UnixFileStatus"/> holds it: statx's major in the high 32 bits, minor in the low.</summary>
    public static (uint Major, uint Minor) Split(ulong device) => ((uint)(device >> 32), (uint)device);
}
