namespace Lightshield.Engine;

/// <summary>Describes a signature database without loading it into an engine (<c>lightshield db info</c>).</summary>
public static class DatabaseInspector
{
    /// <summary>Describes a database directory, or a single signature file. Signature counts come from libclamav's
    /// <c>cl_countsigs</c> (for containers, the count in their header).</summary>
    /// <exception cref="EngineException">The path does not exist, is not a signature file, or holds none.</exception>
    public static DatabaseInfo Inspect(string directoryOrFile, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directoryOrFile);
        var at = (time ?? TimeProvider.System).GetUtcNow();
        if (File.Exists(directoryOrFile))
        {
            if (!DatabaseFormats.IsLoaded(Path.GetFileName(directoryOrFile)))
            {
                throw new EngineException(
                    $"'{directoryOrFile}' is not a ClamAV signature file (expected one of: {DatabaseFormats.LoadedList}).");
            }
            return DatabaseCatalog.Describe([Path.GetFullPath(directoryOrFile)], loadedSignatures: null, at);
        }
        if (!Directory.Exists(directoryOrFile))
        {
            throw new EngineException($"Signature database '{directoryOrFile}' does not exist.");
        }
        var files = DatabaseCatalog.ListSignatureFiles(directoryOrFile);
        if (files.Count == 0)
        {
            throw new EngineException($"'{directoryOrFile}' contains no ClamAV signature files.");
        }
        return DatabaseCatalog.Describe(files, loadedSignatures: null, at);
    }
}
