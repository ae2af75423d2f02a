namespace Lightshield.Engine;

/// <summary>What a successful <see cref="ScanEngine.Reload"/> changed.</summary>
/// <param name="Previous">The database that served until the reload.</param>
/// <param name="Current">The database serving now.</param>
/// <param name="ChangedFiles">Full paths of the files that are new or whose content changed (removed files are not
/// listed). Feed them to <see cref="HashSignatureReader"/> to re-check cached clean verdicts.</param>
public sealed record DatabaseReload(DatabaseInfo Previous, DatabaseInfo Current, IReadOnlyList<string> ChangedFiles);
