using Lightshield.Agent.Index;
using Lightshield.Client.Files;

namespace Lightshield.Agent.Actions;

/// <summary>An infected file to act upon.</summary>
/// <param name="Path">The file.</param>
/// <param name="Identity">What the file was when it was scanned; a delete removes only that file.</param>
/// <param name="Names">Detection names from the engine.</param>
/// <param name="Sha256">Content SHA-256 (hex), when known.</param>
/// <param name="DatabaseVersion">Signature database that detected it.</param>
/// <param name="Source"><c>on-access</c>, <c>after-close-write</c> or <c>on-demand</c>.</param>
/// <param name="ProcessId">The process whose open was intercepted (on access), else null.</param>
/// <param name="ProcessName">That process's name, when known.</param>
/// <param name="TaskId">The task that found it (on demand), else null.</param>
public sealed record DetectedFile(
    string Path,
    FileIdentity Identity,
    IReadOnlyList<string> Names,
    string? Sha256,
    string? DatabaseVersion,
    string Source,
    int? ProcessId = null,
    string? ProcessName = null,
    string? TaskId = null)
{
    /// <summary>The identity of <paramref name="path"/> now, or null when it is gone or not a regular file.</summary>
    public static FileIdentity? CurrentIdentity(string path) =>
        UnixFileStatus.TryGet(path, out var status) && status.Type == UnixFileType.Regular ? FileIdentity.From(status) : null;
}
