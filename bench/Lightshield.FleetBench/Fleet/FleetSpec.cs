namespace Lightshield.FleetBench.Fleet;

/// <summary>What fleet to build: <paramref name="Vms"/> VM directories, each a copy of one base image of
/// <paramref name="BaseMegabytes"/> MiB plus its own files, so that <paramref name="SharedPercent"/> of each VM's bytes
/// are the base image's. Files are copied from <paramref name="Sources"/> (distinct contents only), seeded.</summary>
internal sealed record FleetSpec(int Vms, double BaseMegabytes, double SharedPercent, double MaxFileMegabytes, string[] Sources, int Seed)
{
    public static readonly string[] DefaultSources = ["/usr/lib/x86_64-linux-gnu", "/usr/share"];

    public long BaseBytes => (long)(BaseMegabytes * 1024 * 1024);

    /// <summary>Bytes of each VM's own files: base × (1 − shared) / shared.</summary>
    public long UniqueBytesPerVm => SharedPercent >= 100 ? 0 : (long)(BaseBytes * (100 - SharedPercent) / SharedPercent);

    public long MaxFileBytes => (long)(MaxFileMegabytes * 1024 * 1024);

    /// <summary>One line that identifies the fleet: a kept fleet is reused only when it matches.</summary>
    public string Key => FormattableString.Invariant($"vms={Vms} base={BaseMegabytes} shared={SharedPercent} max-file={MaxFileMegabytes} seed={Seed} sources={string.Join(',', Sources)}");
}
