using System.Globalization;

namespace Lightshield.Agent.Health;

/// <summary>Facts about the VM read from the kernel's files; each falls back to a plain value when unreadable.</summary>
public static class SystemFacts
{
    public static string OperatingSystem()
    {
        try
        {
            var line = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            return line is null ? "Linux" : line["PRETTY_NAME=".Length..].Trim('"');
        }
        catch (IOException)
        {
            return "Linux";
        }
    }

    public static string Kernel() => ReadOrDefault("/proc/sys/kernel/osrelease", Environment.OSVersion.VersionString);

    public static TimeSpan Uptime()
    {
        var first = ReadOrDefault("/proc/uptime", "0").Split(' ')[0];
        return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;
    }

    /// <summary>vCPUs online in the VM (<c>/sys/devices/system/cpu/online</c>, e.g. <c>0-3,6</c>), not the
    /// process's affinity: licensing counts what the tenant runs.</summary>
    public static int VirtualCpus()
    {
        var online = ReadOrDefault("/sys/devices/system/cpu/online", "");
        var count = 0;
        foreach (var range in online.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = range.Split('-');
            if (int.TryParse(bounds[0], CultureInfo.InvariantCulture, out var low))
            {
                count += bounds.Length == 2 && int.TryParse(bounds[1], CultureInfo.InvariantCulture, out var high) ? high - low + 1 : 1;
            }
        }
        return count > 0 ? count : Environment.ProcessorCount;
    }

    public static (long Total, long Free) Disk(string path)
    {
        var drive = new DriveInfo(path);
        return (drive.TotalSize, drive.AvailableFreeSpace);
    }

    private static string ReadOrDefault(string path, string fallback)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return fallback;
        }
    }
}
