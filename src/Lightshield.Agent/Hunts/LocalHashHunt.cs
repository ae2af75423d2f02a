using System.Buffers.Binary;
using Lightshield.Agent.Index;
using Lightshield.Agent.Storage;
using Lightshield.Client.Files;
using Lightshield.Protocol.Center;

namespace Lightshield.Agent.Hunts;

/// <summary>Whether a matched file is still where the index saw it (decision 32).</summary>
public enum HuntFileState
{
    /// <summary>Same path, same identity (device, inode, size, mtime, ctime): the matched content is still there.</summary>
    Present = 1,

    /// <summary>Something is at the path, but not the file the index recorded: its content may differ now.</summary>
    Changed = 2,

    /// <summary>Nothing is at the path any more.</summary>
    Gone = 3,
}

/// <summary>One file of the local index whose content has a hunted SHA-256: its path, size, when the agent last scanned
/// it, and whether it is still there.</summary>
public sealed record HuntMatch(string Path, string Sha256Hex, long Size, DateTimeOffset LastScannedAt, HuntFileState State);

/// <summary>
/// Matches a list of SHA-256 against the agent's local file index (decision 32): one streaming pass over the index's
/// hash column against an in-memory set of the hunted hashes, no index on the hash (the scan path, which writes the
/// index, pays nothing for hunts). Only matching rows are read whole; their paths are checked on disk.
/// </summary>
public sealed class LocalHashHunt(AgentDatabase database)
{
    /// <summary>Most hashes one hunt may name: a hunt larger than this is split by the center.</summary>
    public const int MaxHashes = 100_000;

    public async Task<IReadOnlyList<HuntMatch>> MatchAsync(IReadOnlyCollection<byte[]> sha256s, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sha256s);
        if (sha256s.Count > MaxHashes)
        {
            throw new ArgumentException($"a hunt names at most {MaxHashes} hashes, not {sha256s.Count}", nameof(sha256s));
        }
        var wanted = new HashSet<Sha256Value>(sha256s.Count);
        foreach (var sha256 in sha256s)
        {
            if (sha256 is not { Length: Sha256Value.Length })
            {
                throw new ArgumentException("every hunted hash is a SHA-256 of 32 bytes", nameof(sha256s));
            }
            wanted.Add(Sha256Value.From(sha256));
        }
        return wanted.Count == 0 ? [] : await MatchWhereAsync(sha256 => wanted.Contains(Sha256Value.From(sha256)), cancellationToken);
    }

    /// <summary>The candidates of a hunt sent as its prefix filter (decision 53): the rows whose SHA-256 starts with one of
    /// <paramref name="prefixes"/> (<see cref="HuntPrefixes.Length"/> bytes each). A candidate is not a match until the
    /// center's full hashes confirm it.</summary>
    public async Task<IReadOnlyList<HuntMatch>> CandidatesAsync(ReadOnlyMemory<byte> prefixes, CancellationToken cancellationToken = default)
    {
        var wanted = HuntPrefixes.Decode(prefixes.Span, MaxHashes);
        return wanted.Count == 0 ? [] : await MatchWhereAsync(sha256 => wanted.Contains(HuntPrefixes.Of(sha256)), cancellationToken);
    }

    private delegate bool HashFilter(ReadOnlySpan<byte> sha256);

    private async Task<IReadOnlyList<HuntMatch>> MatchWhereAsync(HashFilter wanted, CancellationToken cancellationToken)
    {
        var matched = new List<(string Path, FileIdentity Identity, byte[] Sha256, DateTimeOffset ScannedAt)>();
        await using var connection = database.Open();
        await using (var select = connection.Command("SELECT rowid, sha256 FROM file_index"))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            var buffer = new byte[Sha256Value.Length];
            var rows = new List<long>();
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.GetBytes(1, 0, buffer, 0, buffer.Length) == Sha256Value.Length && wanted(buffer))
                {
                    rows.Add(reader.GetInt64(0));
                }
            }
            await reader.CloseAsync();
            foreach (var row in rows)
            {
                await using var one = connection.Command(
                    "SELECT path, device, inode, size, mtime_ns, ctime_ns, sha256, scanned_at FROM file_index WHERE rowid = $row");
                one.Parameters.AddWithValue("$row", row);
                await using var found = await one.ExecuteReaderAsync(cancellationToken);
                if (await found.ReadAsync(cancellationToken))
                {
                    matched.Add((found.GetString(0),
                        new FileIdentity((ulong)found.GetInt64(1), (ulong)found.GetInt64(2), found.GetInt64(3), found.GetInt64(4), found.GetInt64(5)),
                        (byte[])found[6], DateTimeOffset.FromUnixTimeMilliseconds(found.GetInt64(7))));
                }
            }
        }
        return [.. matched.Select(m => new HuntMatch(m.Path, Convert.ToHexStringLower(m.Sha256), m.Identity.Size, m.ScannedAt, StateOf(m.Path, m.Identity)))];
    }

    private static HuntFileState StateOf(string path, FileIdentity recorded) =>
        !UnixFileStatus.TryGet(path, out var status) || status.Type == 0 ? HuntFileState.Gone
        : FileIdentity.From(status) == recorded ? HuntFileState.Present
        : HuntFileState.Changed;

    /// <summary>A SHA-256 as four words: a set of 100,000 of them is 3.2 MB and compares without allocating.</summary>
    private readonly record struct Sha256Value(ulong A, ulong B, ulong C, ulong D)
    {
        public const int Length = 32;

        public static Sha256Value From(ReadOnlySpan<byte> sha256) => new(
            BinaryPrimitives.ReadUInt64BigEndian(sha256),
            BinaryPrimitives.ReadUInt64BigEndian(sha256[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(sha256[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(sha256[24..]));
    }
}
