using Lightshield.Agent.Configuration;
using Lightshield.Agent.Health;

namespace Lightshield.Agent.Tests.Health;

public sealed class InstanceIdentityTests : IDisposable
{
    private readonly string _uuidFile = Path.GetTempFileName();

    public void Dispose() => File.Delete(_uuidFile);

    [Fact]
    public void Of_NothingConfigured_ReadsTheProductUuidInLowerCase()
    {
        File.WriteAllText(_uuidFile, "4C4C4544-0042-3510-8052-B4C04F4B4E32\n");

        Assert.Equal("4c4c4544-0042-3510-8052-b4c04f4b4e32", InstanceIdentity.Of(null, _uuidFile));
    }

    [Fact]
    public void Of_Configured_WinsOverTheProductUuid()
    {
        File.WriteAllText(_uuidFile, "4C4C4544-0042-3510-8052-B4C04F4B4E32");

        Assert.Equal("i-0abc123", InstanceIdentity.Of(" i-0abc123 ", _uuidFile));
    }

    [Fact]
    public void Of_NoProductUuid_IsEmpty() =>
        Assert.Equal("", InstanceIdentity.Of(null, Path.Combine(_uuidFile + ".missing", "product_uuid")));

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("id with spaces")]
    public void Validate_InstanceIdOfAnotherShape_IsAnError(string instanceId)
    {
        var errors = new AgentOptions { InstanceId = instanceId }.Validate();

        Assert.Contains(errors, e => e.StartsWith("Agent:InstanceId", StringComparison.Ordinal));
    }
}
