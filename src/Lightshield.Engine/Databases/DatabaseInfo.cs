namespace Lightshield.Engine;

/// <summary>A signature database as loaded (or inspected).</summary>
/// <param name="Version">Unique per database content and readable: <c>{highest .cvd/.cld/.cud version, or 0}-{first
/// 10 hex digits of a SHA-256 over every signature file's name and content}</c>, e.g. <c>27812-4f0c2a9be1</c>.</param>
/// <param name="SignatureCount">For a loaded engine, the signatures libclamav loaded (<c>cl_load</c>); for an
/// inspection, the sum of the per-file counts.</param>
/// <param name="Files">The signature files, sorted by name.</param>
/// <param name="LoadedAt">When the engine finished compiling (or when the inspection ran).</param>
public sealed record DatabaseInfo(
    string Version, long SignatureCount, IReadOnlyList<DatabaseFileInfo> Files, DateTimeOffset LoadedAt);
