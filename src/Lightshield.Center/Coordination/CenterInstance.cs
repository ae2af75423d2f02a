namespace Lightshield.Center.Coordination;

/// <summary>This center process among those that share one database: host name, process id and a random part (two
/// instances hosted in one process, as in tests, differ too). Written into the background leases it holds.</summary>
public sealed class CenterInstance
{
    public const int MaxIdLength = 200;

    public string Id { get; } = Trim($"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}");

    private static string Trim(string id) => id.Length <= MaxIdLength ? id : id[^MaxIdLength..];
}
