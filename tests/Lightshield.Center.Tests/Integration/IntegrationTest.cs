using Grpc.Net.Client;
using Lightshield.Center.Tests.Infrastructure;

namespace Lightshield.Center.Tests.Integration;

/// <summary>A functional test of the integration service on the shared center fixture: REST through its test server,
/// gRPC through the same server's handler.</summary>
public abstract class IntegrationTest<TDatabase>(CenterFixture<TDatabase> fixture) : CenterTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    private IntegrationDriver? _driver;

    internal IntegrationDriver Driver => _driver ??= new IntegrationDriver(Center.Client,
        GrpcChannel.ForAddress(Center.Factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Center.Factory.Server.CreateHandler() }),
        Center.ProviderToken, Center.Time);
}
