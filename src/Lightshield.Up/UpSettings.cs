namespace Lightshield.Up;

/// <summary>What <c>lightshield up</c> was asked for.</summary>
/// <param name="DataDirectory">Center database, scan-server and agent state, demo credentials.</param>
/// <param name="PortBase">Center REST on this port, center gRPC on +1, scan server gRPC on +2 and its health/metrics
/// on +3, all on 127.0.0.1; 0 lets the system pick free ports.</param>
/// <param name="DatabaseDirectory">The scan server's signature database directory.</param>
/// <param name="Redis">Redis for a shared verdict cache, or null.</param>
/// <param name="OnAccessPath">A directory the local agent protects on access (root only), or null.</param>
/// <param name="LogLevel">Minimum level of the components' logs on the console.</param>
internal sealed record UpSettings(string DataDirectory, int PortBase, string DatabaseDirectory, string? Redis, string? OnAccessPath, string LogLevel)
{
    public const int DefaultPortBase = 7500;

    public static string DefaultDataDirectory => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "lightshield", "up");

    public int Port(int offset) => PortBase == 0 ? 0 : PortBase + offset;
}
