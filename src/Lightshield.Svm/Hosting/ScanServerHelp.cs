namespace Lightshield.Svm.Hosting;

internal static class ScanServerHelp
{
    public const string Text = """
        lightshield-svm: the Lightshield scan server (libclamav engine, shared verdict cache, gRPC).

        Usage: lightshield-svm [--Svm:Setting=value ...]     run the scan server until SIGTERM or Ctrl+C
               lightshield-svm db info [DIR|FILE] [--json]   a signature database's version, count and files
               lightshield-svm db import SOURCE -d DIR       validate ClamAV files and copy them into a database directory
        Settings also come from appsettings.json beside the binary and from LIGHTSHIELD_Svm__Setting variables.

          --Svm:Listen=ADDR:PORT           gRPC endpoint (default 127.0.0.1:7443; port 0 = any free port);
                                           unix:/PATH for a local socket (plain text; keep its directory private)
          --Svm:Plaintext=true             no TLS; only on a loopback address
          --Svm:CertificatePath=FILE.pfx   TLS certificate (default: self-signed, generated once, fingerprint logged)
          --Svm:OpsListen=ADDR:PORT        /health/live, /health/ready, /metrics over HTTP (default 127.0.0.1:7480)
          --Svm:DatabaseDirectory=DIR      signature database, any ClamAV format (default: starter database)
          --Svm:WatchDatabase=false        do not reload when the database directory changes (SIGHUP still reloads)
          --Svm:Redis=HOST:PORT[,...]      L2 verdict cache shared by the site's scan servers: a Redis, or a Redis
                                           Cluster's masters (default: L1 only)
          --Svm:VerdictKeyFile=FILE        the site's verdict key (32+ random bytes, raw or base64), required with Redis
          --Svm:RedisUser=NAME             Redis ACL user of the site's scan servers
          --Svm:RedisPasswordFile=FILE     its password (never on the command line)
          --Svm:RedisTls=true              TLS to Redis (--Svm:RedisTlsCaFile=FILE.pem to trust one CA for it)
          --Svm:RedisTimeout=00:00:00.5    longest wait for Redis before answering from L1 alone
          --Svm:CacheCapacity=N            L1 verdict cache entries (default 1000000, ~100 bytes each)
          --Svm:CenterUpdates=false        with Svm:Center: do not take signature updates from the center
          --Svm:TrustedUpdateKeys:0=KEY    public key of the provider's update signing key (base64, from
                                           `lightshield updates signing-key create`); required for center updates:
                                           only sets signed with it are applied
          --Svm:Admission:MaxConcurrentScans=N   scans admitted at once (default: twice the cores)
          --Svm:Admission:SharedScanWait=00:01:00   longest wait for another request's scan of the same content
                                           once it runs, before scanning the content itself
          --Svm:Workers:ScanThreads=N      threads running libclamav in the sandboxed worker (default: cores); also
                                           Sandbox, UserId, GroupId, StartTimeout, HangGrace, StrikesToRefuse
          --Svm:Engine:MaxFileSize=BYTES   largest file scanned (default 100 MiB); also MaxScanSize, MaxRecursion,
                                           MaxFiles, MaxScanTime, Heuristics, DetectPua, ScanArchives
        """;

    public static void PrintReady(WebApplication app)
    {
        var endpoints = app.Services.GetRequiredService<ScanServerEndpoints>();
        var fingerprint = endpoints.CertificateFingerprint is null ? "" : $" cert-sha256={endpoints.CertificateFingerprint}";
        Console.WriteLine($"lightshield-svm ready grpc={endpoints.GrpcAddress} ops={endpoints.OpsAddress}{fingerprint}");
    }
}
