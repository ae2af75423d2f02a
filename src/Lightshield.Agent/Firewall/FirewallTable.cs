namespace Lightshield.Agent.Firewall;

/// <summary>The agent's table <c>inet lightshield</c> and nothing else: replaced in one transaction, listed, removed.</summary>
public sealed class FirewallTable(INftables nftables)
{
    /// <summary>Replaces the table atomically (nftables applies the whole batch or none of it) and lists the result.</summary>
    public FirewallListing Replace(CompiledFirewall compiled)
    {
        ArgumentNullException.ThrowIfNull(compiled);
        nftables.Run(compiled.Commands);
        return List() ?? throw new NftablesException("the table was applied but cannot be listed");
    }

    /// <summary>The table as it is now; null when it does not exist.</summary>
    public FirewallListing? List()
    {
        try
        {
            return FirewallListing.Parse(nftables.Run(FirewallRuleset.ListCommand));
        }
        catch (Exception exception) when (exception is NftablesException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public void Remove() => nftables.Run(FirewallRuleset.DeleteCommand);
}
