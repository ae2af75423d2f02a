using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Lightshield.Center.Hierarchy.Moves;

/// <summary>What a move carries, in the order it is sent and imported (groups before the policies and agents that name
/// them), the JSON of its rows, and the digest of the tenant's audit rows that both centers record.</summary>
public static class TenantRowKinds
{
    public const string Groups = "groups";
    public const string Policies = "policies";
    public const string Tasks = "tasks";
    public const string Agents = "agents";
    public const string QuarantineKey = "quarantine-key";
    public const string QuarantineItems = "quarantine-items";
    public const string Events = "events";
    public const string Audit = "audit";

    /// <summary>Rows per message: well under the link's message limit for every kind.</summary>
    public const int BatchSize = 100;

    /// <summary>JSON characters per message, at most (one larger row goes alone): under the link's 256 kB message limit.</summary>
    public const int MaxBatchChars = 96 * 1024;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    /// <summary>SHA-256 over the rows' hashes in sequence order: changes when a row is added, removed, reordered or changed.</summary>
    public static string AuditDigest(IEnumerable<string> hashesInOrder)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var hash in hashesInOrder)
        {
            sha.AppendData(Encoding.ASCII.GetBytes(hash + "\n"));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
