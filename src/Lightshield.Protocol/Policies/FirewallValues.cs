using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Lightshield.Protocol.Policies;

/// <summary>Parsing of a firewall policy's values into typed ones: the only form the agent turns into nftables rules.</summary>
public static partial class FirewallValues
{
    /// <summary>An address or CIDR prefix (<c>10.0.0.0/8</c>, <c>2001:db8::1</c>); the host bits of a prefix must be zero.</summary>
    public static bool TryParseNetwork(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return false;
        }
        if (IPAddress.TryParse(text, out var address) && !text.Contains('/', StringComparison.Ordinal))
        {
            if (Scoped(address))
            {
                return false;
            }
            network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && IPNetwork.TryParse(text, out network) && !Scoped(network.BaseAddress)
            && IPAddress.TryParse(text.AsSpan(0, slash), out var written) && written.Equals(network.BaseAddress);
    }

    private static bool Scoped(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0;

    /// <summary>A port (<c>22</c>) or an inclusive range (<c>8000-8100</c>), 1 to 65535.</summary>
    public static bool TryParsePorts(string? text, out (int From, int To) range)
    {
        range = default;
        if (string.IsNullOrEmpty(text) || text.Length > 11)
        {
            return false;
        }
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var from = dash < 0 ? text : text[..dash];
        var to = dash < 0 ? text : text[(dash + 1)..];
        if (!int.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out var low)
            || !int.TryParse(to, NumberStyles.None, CultureInfo.InvariantCulture, out var high)
            || low is < 1 or > 65535 || high is < 1 or > 65535 || low > high)
        {
            return false;
        }
        range = (low, high);
        return true;
    }

    /// <summary>A local user or group: a numeric id or a name as useradd accepts it.</summary>
    public static bool IsAccountReference(string? text) =>
        !string.IsNullOrEmpty(text) && (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id < uint.MaxValue : AccountName().IsMatch(text));

    /// <summary>A systemd service unit's name: what a cgroup directory is called, never a path.</summary>
    public static bool IsServiceName(string? text) => text is { Length: > 8 and <= 128 } && ServiceName().IsMatch(text);

    public static bool IsZoneName(string? text) => !string.IsNullOrEmpty(text) && ZoneName().IsMatch(text);

    public static bool IsRuleName(string? text) => !string.IsNullOrEmpty(text) && RuleName().IsMatch(text);

    /// <summary>The networks of an address list, zones expanded; entries that are neither are skipped (validation
    /// reports them).</summary>
    public static IReadOnlyList<IPNetwork> Networks(IReadOnlyList<string>? entries, IReadOnlyDictionary<string, IReadOnlyList<string>>? zones)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in entries ?? [])
        {
            if (TryParseNetwork(entry, out var network))
            {
                networks.Add(network);
            }
            else if (entry is not null && zones is not null && zones.TryGetValue(entry, out var zone))
            {
                foreach (var member in zone ?? [])
                {
                    if (TryParseNetwork(member, out network))
                    {
                        networks.Add(network);
                    }
                }
            }
        }
        return networks;
    }

    [GeneratedRegex("^[a-z_][a-z0-9_.-]{0,31}\\$?$")]
    private static partial Regex AccountName();

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,31}$")]
    private static partial Regex ZoneName();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9:_.@-]*\\.service$")]
    private static partial Regex ServiceName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9 _.:-]{0,63}$")]
    private static partial Regex RuleName();
}
