using System.Text;
using System.Text.RegularExpressions;

namespace Lightshield.Verdicts;

/// <summary>Settings of the verdict cache (configuration section <see cref="SectionName"/>).</summary>
public sealed partial record VerdictCacheOptions
{
    public const string SectionName = "VerdictCache";

    /// <summary>Largest L1 capacity: 64 shards of at most 2^24 - 2 entries each.</summary>
    public const int MaxL1Capacity = 64 * ((1 << 24) - 2);

    /// <summary>Most entries kept in this scan server's memory (L1). Default 1,000,000 (about 80 MB, reserved
    /// when the cache is created).</summary>
    public int L1Capacity { get; init; } = 1_000_000;

    /// <summary>StackExchange.Redis configuration string of the site's shared cache (L2), e.g.
    /// <c>redis.site:6379</c>, or some masters of a Redis Cluster, <c>node1:6379,node2:6379</c>; credentials go in <see cref="RedisUser"/> and <see cref="RedisPassword"/>, which are
    /// never logged. Requires <see cref="VerdictKey"/>. Default <see langword="null"/>: L1 only (the embedded default).</summary>
    public string? RedisConfiguration { get; init; }

    /// <summary>Redis ACL user of this site's scan servers (<c>AUTH user password</c>). Default none: the
    /// configuration string decides (the <c>default</c> user, or <c>user=</c> in it).</summary>
    public string? RedisUser { get; init; }

    /// <summary>Password of <see cref="RedisUser"/>, as read from its file by the host. Never logged, never part of
    /// the configuration string.</summary>
    public string? RedisPassword { get; init; }

    /// <summary>Connect to Redis over TLS. Default false.</summary>
    public bool RedisTls { get; init; }

    /// <summary>PEM or DER file of the CA certificate that issued Redis's TLS certificate, trusted for Redis only.
    /// Default none: the system trust store decides. Requires <see cref="RedisTls"/>.</summary>
    public string? RedisTlsCaFile { get; init; }

    /// <summary>The segment of the scan servers writing here: part of every key, so scan servers of different
    /// segments never share entries even when they share a Redis. Default <c>default</c>.</summary>
    public string Segment { get; init; } = "default";

    /// <summary>Minimum length of <see cref="VerdictKey"/>.</summary>
    public const int MinVerdictKeyLength = 32;

    /// <summary>The site's verdict key (at least <see cref="MinVerdictKeyLength"/> random bytes, the same on every
    /// scan server of the site): every L2 value carries an HMAC-SHA256 under it over key and value, and a value
    /// without a valid one is ignored. Required with <see cref="RedisConfiguration"/>: without it anything that can
    /// write to Redis could answer "clean" for the whole site. Never logged.</summary>
    public byte[]? VerdictKey { get; init; }

    /// <summary>Prefix of every Redis key. Default <c>ls:v1:</c>; the version segment changes with the key layout.</summary>
    public string KeyPrefix { get; init; } = "ls:v1:";

    /// <summary>Expiry of L2 entries, refreshed by each store. Default 30 days, so that Redis does not fill with
    /// files nobody asks about any more (a file asked about after that is scanned once more); <see langword="null"/>
    /// keeps entries until Redis evicts them (configure <c>maxmemory-policy allkeys-lru</c> then).</summary>
    public TimeSpan? L2TimeToLive { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Longest wait for one Redis operation before it counts as failed and the look-up answers from L1
    /// alone. Default 500 ms.</summary>
    public TimeSpan L2Timeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait for a connection attempt to Redis. Default 2 s; a failed attempt is retried in the
    /// background while the cache serves from L1.</summary>
    public TimeSpan L2ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Signatures held at once by the retro-active check. Default 65,536.</summary>
    public int RetroCheckBatchSize { get; init; } = 65_536;

    /// <summary>Oldest a clean verdict may be before look-ups answer it as outdated, so that scheduled and on-demand
    /// scans rescan the content even when no new signature database arrived. Default 7 days; at least one minute.</summary>
    public TimeSpan MaxCleanAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Every problem with these options, empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (L1Capacity is < 1 or > MaxL1Capacity)
        {
            errors.Add($"{nameof(L1Capacity)} must be between 1 and {MaxL1Capacity}, not {L1Capacity}.");
        }
        if (RedisConfiguration is not null && string.IsNullOrWhiteSpace(RedisConfiguration))
        {
            errors.Add($"{nameof(RedisConfiguration)} must be null (L1 only) or a Redis configuration string, not blank.");
        }
        if (RedisConfiguration is not null && (VerdictKey is null || VerdictKey.Length < MinVerdictKeyLength))
        {
            errors.Add($"{nameof(VerdictKey)} of at least {MinVerdictKeyLength} bytes is required with a shared cache ({nameof(RedisConfiguration)}): "
                + "without it any client of Redis could write verdicts for the whole site.");
        }
        if (RedisTlsCaFile is not null && !RedisTls)
        {
            errors.Add($"{nameof(RedisTlsCaFile)} needs {nameof(RedisTls)}.");
        }
        if (string.IsNullOrWhiteSpace(Segment) || Segment.Length > 100)
        {
            errors.Add($"{nameof(Segment)} must be non-empty and at most 100 characters.");
        }
        if (string.IsNullOrEmpty(KeyPrefix) || KeyPrefix.Any(char.IsWhiteSpace))
        {
            errors.Add($"{nameof(KeyPrefix)} must be non-empty and without white space.");
        }
        if (L2TimeToLive is { } ttl && ttl < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{nameof(L2TimeToLive)} must be null (no expiry) or at least one second, not {ttl}.");
        }
        if (L2Timeout <= TimeSpan.Zero || L2Timeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{nameof(L2Timeout)} must be positive and at most one minute, not {L2Timeout}.");
        }
        if (L2ConnectTimeout <= TimeSpan.Zero || L2ConnectTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{nameof(L2ConnectTimeout)} must be positive and at most one minute, not {L2ConnectTimeout}.");
        }
        if (MaxCleanAge < TimeSpan.FromMinutes(1))
        {
            errors.Add($"{nameof(MaxCleanAge)} must be at least one minute, not {MaxCleanAge}.");
        }
        if (RetroCheckBatchSize < 1)
        {
            errors.Add($"{nameof(RetroCheckBatchSize)} must be positive, not {RetroCheckBatchSize}.");
        }
        return errors;
    }

    /// <summary>Throws one <see cref="ArgumentException"/> listing every problem, if there is any.</summary>
    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid verdict cache options: " + string.Join(" ", errors));
        }
    }

    /// <summary>The options for logging, with the Redis password redacted.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("VerdictCacheOptions { ");
        text.Append(nameof(L1Capacity)).Append(" = ").Append(L1Capacity).Append(", ");
        text.Append(nameof(RedisConfiguration)).Append(" = ").Append(Redact(RedisConfiguration) ?? "(none: L1 only)").Append(", ");
        text.Append(nameof(RedisUser)).Append(" = ").Append(RedisUser ?? "(none)").Append(", ");
        text.Append(nameof(RedisPassword)).Append(" = ").Append(RedisPassword is null ? "(none)" : "***").Append(", ");
        text.Append(nameof(RedisTls)).Append(" = ").Append(RedisTls).Append(", ");
        text.Append(nameof(RedisTlsCaFile)).Append(" = ").Append(RedisTlsCaFile ?? "(none)").Append(", ");
        text.Append(nameof(Segment)).Append(" = ").Append(Segment).Append(", ");
        text.Append(nameof(VerdictKey)).Append(" = ").Append(VerdictKey is null ? "(none)" : "***").Append(", ");
        text.Append(nameof(KeyPrefix)).Append(" = ").Append(KeyPrefix).Append(", ");
        text.Append(nameof(L2TimeToLive)).Append(" = ").Append(L2TimeToLive?.ToString() ?? "(none)").Append(", ");
        text.Append(nameof(L2Timeout)).Append(" = ").Append(L2Timeout).Append(", ");
        text.Append(nameof(L2ConnectTimeout)).Append(" = ").Append(L2ConnectTimeout).Append(", ");
        text.Append(nameof(MaxCleanAge)).Append(" = ").Append(MaxCleanAge).Append(", ");
        text.Append(nameof(RetroCheckBatchSize)).Append(" = ").Append(RetroCheckBatchSize).Append(" }");
        return text.ToString();
    }

    private static string? Redact(string? configuration) =>
        configuration is null ? null : SecretPattern().Replace(configuration, "$1=***");

    [GeneratedRegex(@"\b(password|sslPassword)\s*=[^,]*", RegexOptions.IgnoreCase)]
    private static partial Regex SecretPattern();
}
