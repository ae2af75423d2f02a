using Lightshield.Svm.Tests.Infrastructure;

namespace Lightshield.Svm.Tests.Scanning;

/// <summary>What agents report as their scan server's signature age: <c>GetInfo</c>'s database time.</summary>
public sealed class ServerInfoHealthTests
{
    [Fact]
    public async Task GetInfo_PlainSignatureFiles_DatabaseTimeIsWhenTheServerLoadedThem()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await using var server = await ScanServerHost.StartAsync(TestContent.StarterDatabase);

        var info = await server.Client.GetInfoAsync();

        Assert.InRange(DateTimeOffset.FromUnixTimeMilliseconds(info.DatabaseTimeUnixMs), before, DateTimeOffset.UtcNow);
    }
}
