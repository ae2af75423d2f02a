using System.Net;
using System.Net.Sockets;

namespace Lightshield.Agent.Firewall;

/// <summary>Resolves the agent's channels from its center address and the scan servers it holds (assigned first, then
/// the fallbacks of its configuration). A name that does not resolve now keeps the addresses it had, so a DNS outage
/// never closes a channel that was open; names also open the name servers of <c>/etc/resolv.conf</c>.</summary>
public sealed class AgentChannels(Func<IEnumerable<(string Purpose, Uri Address)>> endpoints, string resolvConf = "/etc/resolv.conf")
{
    private readonly Dictionary<string, IPAddress[]> _resolved = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<AgentChannel> Current()
    {
        var channels = new List<AgentChannel>();
        var named = false;
        foreach (var (purpose, uri) in endpoints())
        {
            if (IPAddress.TryParse(uri.IdnHost, out var literal))
            {
                channels.Add(new AgentChannel(purpose, literal, uri.Port));
                continue;
            }
            named = true;
            foreach (var address in Resolve(uri.IdnHost))
            {
                channels.Add(new AgentChannel(purpose, address, uri.Port));
            }
        }
        if (named)
        {
            foreach (var server in NameServers())
            {
                channels.Add(new AgentChannel("name server", server, 53, Udp: true));
                channels.Add(new AgentChannel("name server", server, 53));
            }
        }
        return [.. channels.Distinct().Where(c => !IPAddress.IsLoopback(c.Address))];
    }

    private IPAddress[] Resolve(string host)
    {
        try
        {
            var addresses = Dns.GetHostAddresses(host);
            _resolved[host] = addresses;
            return addresses;
        }
        catch (SocketException)
        {
            return _resolved.GetValueOrDefault(host) ?? [];
        }
    }

    private List<IPAddress> NameServers()
    {
        var servers = new List<IPAddress>();
        try
        {
            foreach (var line in File.ReadLines(resolvConf))
            {
                var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length >= 2 && fields[0] == "nameserver" && IPAddress.TryParse(fields[1], out var server)
                    && (server.AddressFamily == AddressFamily.InterNetwork || server.ScopeId == 0))
                {
                    servers.Add(server);
                }
            }
        }
        catch (IOException)
        {
        }
        return servers;
    }
}
