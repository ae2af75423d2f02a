namespace Lightshield.Engine;

/// <summary>One signature file of a database.</summary>
/// <param name="Name">File name (no directory), e.g. <c>daily.cld</c>.</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="Sha256">SHA-256 of the content, lowercase hex.</param>
/// <param name="CvdVersion">Version from the header of a .cvd/.cld/.cud container; null for plain files.</param>
/// <param name="Signatures">Signatures counted by libclamav (<c>cl_countsigs</c>); null when it cannot count them.</param>
/// <param name="BuildTime">Build time from the header of a .cvd/.cld/.cud container; null for plain files.</param>
public sealed record DatabaseFileInfo(
    string Name, long Length, string Sha256, int? CvdVersion, long? Signatures, DateTimeOffset? BuildTime);
