using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Testing;
using StackExchange.Redis;

namespace Lightshield.Center.Tests.Sites;

/// <summary>What the site tests run: a real scan server of one site whose L2 cache is that site's own Redis (a private
/// redis-server with an ACL user, as a data center runs it), and a look at how many verdicts that Redis holds.</summary>
internal static class SiteWorld
{
    public static async Task<LiveScanServer> StartSiteServerAsync<TDatabase>(LiveCenter<TDatabase> center, string site, string host,
        string segment, AclRedis redis, DirectoryInfo siteDirectory, TimeProvider? time = null)
        where TDatabase : TestDatabase, new() =>
        await LiveScanServer.StartAsync(center.GrpcAddress, center.CertificateFingerprint, center.Driver, host, segment, time,
            configure: (settings, _) =>
            {
                foreach (var (key, value) in new RedisTarget(redis.Address, redis.User, redis.Password).SvmSettings(siteDirectory.FullName))
                {
                    settings[key] = value;
                }
            }, site: site);

    public static async Task<long> KeysAsync(AclRedis redis)
    {
        ArgumentNullException.ThrowIfNull(redis);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(new RedisTarget(redis.Address, redis.User, redis.Password).ConfigurationString);
        return await connection.GetServer(redis.Address).DatabaseSizeAsync();
    }
}
