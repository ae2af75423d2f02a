using Lightshield.Client.Files;

namespace Lightshield.Agent.Firewall;

/// <summary>
/// Where a systemd service's processes live in the cgroup v2 tree, for <c>socket cgroupv2</c> rules. nftables takes the
/// path relative to <c>/sys/fs/cgroup</c> and turns it into the cgroup's id (its directory's inode) when the rule is
/// loaded, so a service that is not running has no rule, and a restarted service (a new cgroup, a new id) needs the
/// table applied again: <see cref="Find"/> gives the id to compare.
/// </summary>
public sealed class ServiceCgroups(string cgroupRoot = "/sys/fs/cgroup", string mountInfo = "/proc/self/mountinfo")
{
    private const int MaxDepth = 4;
    private const int MaxDirectories = 5_000;

    /// <summary>The service's cgroup, or the reason it has none here.</summary>
    public ServiceLookup Find(string unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (UnifiedMount() is not { } mount)
        {
            return new(null, $"cgroup v2 is not mounted under {cgroupRoot}");
        }
        var directory = Search(mount, unit);
        if (directory is null || !UnixFileStatus.TryGet(directory, out var status))
        {
            return new(null, $"this VM runs no service \"{unit}\" (no cgroup of that name)");
        }
        var relative = Path.GetRelativePath(mount, directory);
        return new(new ServiceCgroup(Path.GetRelativePath(cgroupRoot, directory), relative.Split('/').Length, status.Inode), "");
    }

    /// <summary>systemd puts a service in <c>system.slice</c> unless its unit names another slice: look there first,
    /// then a bounded walk (containers can make the tree large).</summary>
    private static string? Search(string mount, string unit)
    {
        var usual = Path.Combine(mount, "system.slice", unit);
        if (Directory.Exists(usual))
        {
            return usual;
        }
        var queue = new Queue<(string Path, int Depth)>([(mount, 0)]);
        var visited = 0;
        while (queue.TryDequeue(out var next) && visited++ < MaxDirectories)
        {
            IEnumerable<string> children;
            try
            {
                children = Directory.EnumerateDirectories(next.Path);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var child in children)
            {
                if (Path.GetFileName(child) == unit)
                {
                    return child;
                }
                if (next.Depth + 1 < MaxDepth)
                {
                    queue.Enqueue((child, next.Depth + 1));
                }
            }
        }
        return null;
    }

    /// <summary>The cgroup v2 mount at or below the root nftables resolves paths against (on a hybrid host,
    /// <c>/sys/fs/cgroup/unified</c>).</summary>
    private string? UnifiedMount()
    {
        try
        {
            foreach (var line in File.ReadLines(mountInfo))
            {
                var separator = line.IndexOf(" - ", StringComparison.Ordinal);
                var fields = line.Split(' ');
                if (separator < 0 || fields.Length < 5 || !line.AsSpan(separator + 3).StartsWith("cgroup2 "))
                {
                    continue;
                }
                var point = fields[4];
                if (point == cgroupRoot || point.StartsWith(cgroupRoot + "/", StringComparison.Ordinal))
                {
                    return point;
                }
            }
        }
        catch (IOException)
        {
        }
        return null;
    }
}

/// <summary>A service's cgroup on this VM, or why a rule for it is left out.</summary>
public readonly record struct ServiceLookup(ServiceCgroup? Cgroup, string Reason);

/// <param name="NftPath">Relative to <c>/sys/fs/cgroup</c>, as nftables resolves it.</param>
/// <param name="Level">Its depth in the cgroup v2 tree (<c>system.slice/x.service</c> is 2).</param>
/// <param name="Id">The cgroup's id (its directory's inode): a restarted service has a new one.</param>
public sealed record ServiceCgroup(string NftPath, int Level, ulong Id);
