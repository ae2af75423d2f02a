namespace Lightshield.Svm.Hosting;

/// <summary>Scan server settings (section <c>Svm</c>; environment <c>LIGHTSHIELD_Svm__Listen</c>, or
/// <c>--Svm:Listen=...</c> on the command line). Engine limits live in <c>Svm:Engine</c>.</summary>
public sealed record SvmOptions
{
    public const string Section = "Svm";

    /// <summary>gRPC endpoint, <c>address:port</c>, or <c>unix:/path</c> for a local socket (plain text: only processes
    /// that can reach the socket's directory connect; <c>lightshield scan</c> starts its private server so). Default
    /// <c>127.0.0.1:7443</c>; port 0 picks a free port.</summary>
    public string Listen { get; init; } = "127.0.0.1:7443";

    /// <summary>The path of <see cref="Listen"/> when it is a local socket (<c>unix:/path</c>); null for a TCP address.</summary>
    public string? ListenSocketPath => Listen.StartsWith(UnixSocketPrefix, StringComparison.Ordinal) ? Listen[UnixSocketPrefix.Length..] : null;

    private const string UnixSocketPrefix = "unix:";

    /// <summary>Serve gRPC without TLS. Refused unless <see cref="Listen"/> is a loopback address. Default false.</summary>
    public bool Plaintext { get; init; }

    /// <summary>PKCS#12 file with the TLS certificate and key. Default: a self-signed certificate generated
    /// once into <see cref="DataDirectory"/> (its fingerprint is logged for clients to pin).</summary>
    public string? CertificatePath { get; init; }

    /// <summary>Password of <see cref="CertificatePath"/>, if any. Never logged.</summary>
    public string? CertificatePassword { get; init; }

    /// <summary>Plain HTTP endpoint for <c>/health/live</c>, <c>/health/ready</c> and <c>/metrics</c>.
    /// Default <c>127.0.0.1:7480</c>; empty disables it (the endpoints are then only on the gRPC port, over TLS).</summary>
    public string? OpsListen { get; init; } = "127.0.0.1:7480";

    /// <summary>Where the scan server keeps its own state (TLS certificate). Default
    /// <c>~/.local/share/lightshield/svm</c>. Scanned content is never written here.</summary>
    public string DataDirectory { get; init; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "lightshield", "svm");

    /// <summary>Signature database directory (any ClamAV format). Default: the starter database shipped
    /// beside the binary.</summary>
    public string DatabaseDirectory { get; init; } = StarterDatabase;

    /// <summary>The starter database shipped beside the binary (EICAR and the project's test signatures).</summary>
    public static string StarterDatabase => Path.Combine(AppContext.BaseDirectory, "signatures");

    /// <summary>Reload the engine when files in <see cref="DatabaseDirectory"/> change (also on SIGHUP). Default true.</summary>
    public bool WatchDatabase { get; init; } = true;

    /// <summary>Redis connection string for the L2 verdict cache shared by the site's scan servers (<c>host:port</c>,
    /// StackExchange.Redis syntax). Must not carry a password: use <see cref="RedisPasswordFile"/>. Requires
    /// <see cref="VerdictKeyFile"/>. Default none: L1 (in-process) only.</summary>
    public string? Redis { get; init; }

    /// <summary>The Redis ACL user of this site's scan servers. Default none: Redis's <c>default</c> user.</summary>
    public string? RedisUser { get; init; }

    /// <summary>File holding the password of <see cref="RedisUser"/> (one line; keep it mode 0600). Read at start-up;
    /// the password is never on the command line, in the connection string or in a log.</summary>
    public string? RedisPasswordFile { get; init; }

    /// <summary>Connect to Redis over TLS. Default false (acceptable on a loopback or otherwise private link only).</summary>
    public bool RedisTls { get; init; }

    /// <summary>CA certificate (PEM/DER) that issued Redis's certificate, trusted for Redis only. Default: the system
    /// trust store. Requires <see cref="RedisTls"/>.</summary>
    public string? RedisTlsCaFile { get; init; }

    /// <summary>File holding the site's verdict key: at least 32 random bytes, raw or base64, the same on every scan
    /// server of the site (e.g. <c>head -c 32 /dev/urandom | base64 &gt; verdict.key; chmod 600 verdict.key</c>). Every
    /// L2 value carries an HMAC-SHA256 under it; values without a valid one are ignored. Required with
    /// <see cref="Redis"/>: there is no unauthenticated shared cache.</summary>
    public string? VerdictKeyFile { get; init; }

    /// <summary>Longest wait for one Redis operation before the cache answers from L1 alone. Default 500 ms.</summary>
    public TimeSpan RedisTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>L1 verdict cache capacity in entries (about 100 bytes each). Default 1,000,000.</summary>
    public int CacheCapacity { get; init; } = 1_000_000;

    /// <summary>Oldest a clean verdict may be before look-ups answer it as outdated and scheduled and on-demand scans
    /// rescan the content (decision 31). Default 7 days; at least one minute.</summary>
    public TimeSpan MaxCleanAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Credential-signing public keys of the center (base64 SubjectPublicKeyInfo, as <c>lightshield-center</c>
    /// prints them) whose agent credentials this scan server accepts; every call must then carry a valid credential,
    /// and the tenant is taken from it. With none, callers are not authenticated: allowed only on a loopback
    /// <see cref="Listen"/> (one machine).</summary>
    public IReadOnlyList<string> TrustedCredentialKeys { get; init; } = [];

    /// <summary>The segment this scan server serves; credentials of agents in another segment are refused. Default <c>default</c>.</summary>
    public string Segment { get; init; } = "default";

    /// <summary>The site (data center) this scan server belongs to, as its center token binds it: the center assigns it
    /// to the agents of this site only (decision 50). Default <c>default</c>, the one site of a single-site deployment.</summary>
    public string Site { get; init; } = "default";

    /// <summary>The center this scan server registers with and heartbeats to (<c>https://host:port</c>). Default none:
    /// a standalone scan server.</summary>
    public Uri? Center { get; init; }

    /// <summary>The provider's scan-server token for <see cref="Center"/>. Never logged.</summary>
    public string? CenterToken { get; init; }

    /// <summary>SHA-256 fingerprint of the center's TLS certificate to pin; default: the system trust store decides.</summary>
    public string? CenterCertificateSha256 { get; init; }

    /// <summary>The address agents dial, as announced to the center. Default: <c>https://</c> + <see cref="Listen"/>.</summary>
    public Uri? AdvertisedAddress { get; init; }

    /// <summary>The hypervisor host this scan server runs on (assignment prefers agents of the same host). Default: the machine name.</summary>
    public string HypervisorHost { get; init; } = Environment.MachineName;

    /// <summary>Heartbeat period; the center marks a scan server down after 30 s without one. Default 10 s.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Take signature updates from <see cref="Center"/> (its update mirror and staged rollout). The scan server
    /// then owns <see cref="DatabaseDirectory"/>: once it applies a center version, the directory holds exactly that
    /// version's files. Default true (no effect without a center).</summary>
    public bool CenterUpdates { get; init; } = true;

    /// <summary>Public keys of the provider's update signing key (base64 SubjectPublicKeyInfo, ECDSA P-256, as
    /// <c>lightshield updates signing-key create</c> prints them). A center version is applied only if its
    /// <c>lightshield-update.sig</c> verifies under one of them and lists exactly the version's files, so the center
    /// (or anything between) cannot change a signature set. Required with <see cref="Center"/> and
    /// <see cref="CenterUpdates"/>.</summary>
    public IReadOnlyList<string> TrustedUpdateKeys { get; init; } = [];

    /// <summary>Update check period until the center sends its own (±20 % jitter). Default 5 minutes.</summary>
    public TimeSpan UpdatePollInterval { get; init; } = TimeSpan.FromMinutes(5);
}
