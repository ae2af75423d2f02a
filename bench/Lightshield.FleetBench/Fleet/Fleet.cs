namespace Lightshield.FleetBench.Fleet;

/// <summary>A built fleet: one directory per VM under <see cref="Root"/>, named <c>vm-00</c>, <c>vm-01</c>, …</summary>
internal sealed record Fleet(string Root, IReadOnlyList<string> Vms, int FilesPerVmAtLeast, long Bytes, int Files,
    IReadOnlySet<Detection> Planted)
{
    public string VmDirectory(string vm) => Path.Combine(Root, vm);

    /// <summary>Sizes of every file of the fleet (what a scan that reads every file reads).</summary>
    public static (int Files, long Bytes) Measure(string root)
    {
        var files = 0;
        long bytes = 0;
        foreach (var file in new DirectoryInfo(root).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true }))
        {
            files++;
            bytes += file.Length;
        }
        return (files, bytes);
    }
}

/// <summary>A detection as the modes are compared: which VM, which file (relative to the VM's root).</summary>
internal readonly record struct Detection(string Vm, string RelativePath) : IComparable<Detection>
{
    public int CompareTo(Detection other)
    {
        var vm = string.CompareOrdinal(Vm, other.Vm);
        return vm != 0 ? vm : string.CompareOrdinal(RelativePath, other.RelativePath);
    }

    public override string ToString() => $"{Vm}/{RelativePath}";

    /// <summary>The detection of <paramref name="path"/>, an absolute path inside the fleet at <paramref name="root"/>.</summary>
    public static Detection FromPath(string root, string path)
    {
        var relative = Path.GetRelativePath(root, path);
        var separator = relative.IndexOf('/', StringComparison.Ordinal);
        return separator <= 0 || relative.StartsWith("..", StringComparison.Ordinal)
            ? throw new InvalidOperationException($"{path} is not inside a VM of the fleet at {root}")
            : new Detection(relative[..separator], relative[(separator + 1)..]);
    }
}
