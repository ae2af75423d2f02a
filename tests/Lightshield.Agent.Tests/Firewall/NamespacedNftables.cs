using Lightshield.Agent.Firewall;

namespace Lightshield.Agent.Tests.Firewall;

/// <summary>The agent's own libnftables binding, created and used on a thread inside the test's namespace.</summary>
internal sealed class NamespacedNftables(NamespaceThread thread) : INftables, IDisposable
{
    private readonly NftablesContext _context = new();

    public string Run(string json) => thread.Run(() => _context.Run(json));

    public bool Accepts(string json) => thread.Run(() => _context.Accepts(json));

    public void Dispose() => thread.Run(() =>
    {
        _context.Dispose();
        return 0;
    });
}
