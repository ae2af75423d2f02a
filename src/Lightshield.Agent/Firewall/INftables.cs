namespace Lightshield.Agent.Firewall;

/// <summary>One nftables command batch in libnftables' JSON form, run as one transaction; returns the JSON output
/// (listings), or throws <see cref="NftablesException"/> with nftables' own message.</summary>
public interface INftables
{
    string Run(string json);

    /// <summary>Whether nftables would accept the batch: parsed and checked in a dry run, nothing changed.</summary>
    bool Accepts(string json);
}

public sealed class NftablesException(string message) : Exception(message);
