using System.Security.Cryptography;

namespace Lightshield.Quarantine.Tests;

public sealed class RestoreKeyWrapTests : IDisposable
{
    private readonly RSA _agent = RSA.Create(3072);
    private readonly byte[] _dataKey = RandomNumberGenerator.GetBytes(RestoreKeyWrap.DataKeySize);

    [Fact]
    public void Unwrap_ByTheAgentForTheSameItem_ReturnsTheDataKey()
    {
        var wrapped = RestoreKeyWrap.Wrap(_agent.ExportSubjectPublicKeyInfo(), "item-1", _dataKey);
        Assert.Equal(_dataKey, RestoreKeyWrap.Unwrap(_agent, "item-1", wrapped));
        Assert.DoesNotContain(Convert.ToHexString(_dataKey), Convert.ToHexString(wrapped), StringComparison.Ordinal);
    }

    [Fact]
    public void Unwrap_ForAnotherItem_IsRefused()
    {
        var wrapped = RestoreKeyWrap.Wrap(_agent.ExportSubjectPublicKeyInfo(), "item-1", _dataKey);
        Assert.ThrowsAny<CryptographicException>(() => RestoreKeyWrap.Unwrap(_agent, "item-2", wrapped));
    }

    [Fact]
    public void Unwrap_ByAnotherAgent_IsRefused()
    {
        using var other = RSA.Create(3072);
        var wrapped = RestoreKeyWrap.Wrap(_agent.ExportSubjectPublicKeyInfo(), "item-1", _dataKey);
        Assert.ThrowsAny<CryptographicException>(() => RestoreKeyWrap.Unwrap(other, "item-1", wrapped));
    }

    [Fact]
    public void Wrap_WeakOrGarbageAgentKey_IsRefused()
    {
        using var weak = RSA.Create(1024);
        Assert.Throws<FormatException>(() => RestoreKeyWrap.Wrap(weak.ExportSubjectPublicKeyInfo(), "item-1", _dataKey));
        Assert.Throws<FormatException>(() => RestoreKeyWrap.Wrap(new byte[40], "item-1", _dataKey));
        Assert.Throws<ArgumentException>(() => RestoreKeyWrap.Wrap(_agent.ExportSubjectPublicKeyInfo(), "item-1", new byte[16]));
    }

    public void Dispose() => _agent.Dispose();
}
