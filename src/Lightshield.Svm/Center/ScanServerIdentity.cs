namespace Lightshield.Svm.Center;

/// <summary>The scan server's stable id, generated once into its data directory, so a restart is the same
/// server to the center (not a new registration).</summary>
public static class ScanServerIdentity
{
    public const string FileName = "server-id";

    public static string LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path) && Guid.TryParse(File.ReadAllText(path).Trim(), out var existing))
        {
            return existing.ToString();
        }
        Directory.CreateDirectory(dataDirectory);
        var id = Guid.NewGuid().ToString();
        File.WriteAllText(path, id + "\n");
        return id;
    }
}
