using System.Text.Json;
using Lightshield.Agent.Configuration;
using Lightshield.Agent.Storage;

namespace Lightshield.Agent.Center;

/// <summary>The center's last scan-server assignment, kept in <c>assignment.json</c> (0600) so that a restarted agent
/// scans through its servers even while the center is unreachable.</summary>
public sealed class AssignmentFile(string stateDirectory)
{
    public const string FileName = "assignment.json";

    private string FilePath => Path.Combine(stateDirectory, FileName);

    public void Save(IReadOnlyList<ScanServerEndpoint> endpoints) => PrivateFile.WriteAllText(FilePath, JsonSerializer.Serialize(endpoints));

    /// <summary>The stored assignment, or null when there is none or it cannot be read.</summary>
    public IReadOnlyList<ScanServerEndpoint>? Load()
    {
        try
        {
            return PrivateFile.ReadAllTextOrNull(FilePath) is { } json ? JsonSerializer.Deserialize<ScanServerEndpoint[]>(json) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
