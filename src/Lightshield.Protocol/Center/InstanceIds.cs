namespace Lightshield.Protocol.Center;

/// <summary>The shape of a VM instance id (<c>EnrolRequest.instance_id</c>, the provider's inventory): what clouds use
/// (UUIDs, <c>i-0abc…</c>, <c>projects:…</c>), nothing that could smuggle markup or paths. Compared in lower case.</summary>
public static class InstanceIds
{
    public const int MaxLength = 128;

    public static bool IsValid(string value) =>
        value.Length is > 0 and <= MaxLength
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-');

    public static string Normalize(string value) => value.Trim().ToLowerInvariant();
}
