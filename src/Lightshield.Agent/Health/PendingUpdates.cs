namespace Lightshield.Agent.Health;

/// <summary>Package updates waiting to be installed, as the VM's package manager sees them from its local lists (no
/// download): <c>-1</c> = unknown.</summary>
/// <param name="Manager"><c>apt</c>, <c>dnf</c>, or empty when neither is installed.</param>
/// <param name="Updates">Packages with a newer version available.</param>
/// <param name="SecurityUpdates">Of those, the ones from a security archive or advisory.</param>
public sealed record PendingUpdates(string Manager, int Updates, int SecurityUpdates)
{
    public static readonly PendingUpdates Unknown = new("", -1, -1);

    /// <summary>Counts <c>apt-get -s upgrade</c>'s <c>Inst</c> lines; a security one comes from a <c>*-security</c>
    /// archive (Debian-Security, Ubuntu's jammy-security), named in the parenthesised origins.</summary>
    public static PendingUpdates ParseApt(string simulation)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        var updates = 0;
        var security = 0;
        foreach (var line in simulation.Split('\n'))
        {
            if (!line.StartsWith("Inst ", StringComparison.Ordinal))
            {
                continue;
            }
            updates++;
            var origins = line.IndexOf(" (", StringComparison.Ordinal);
            if (origins > 0 && line.AsSpan(origins).Contains("-security", StringComparison.OrdinalIgnoreCase))
            {
                security++;
            }
        }
        return new PendingUpdates("apt", updates, security);
    }

    /// <summary><c>dnf check-update</c> lists one <c>name.arch version repository</c> line per update (and an
    /// "Obsoleting" section); <c>dnf updateinfo list --security</c> one <c>advisory type package</c> line per
    /// package an advisory fixes.</summary>
    public static PendingUpdates ParseDnf(string checkUpdate, string securityList)
    {
        ArgumentNullException.ThrowIfNull(checkUpdate);
        ArgumentNullException.ThrowIfNull(securityList);
        var updates = 0;
        foreach (var line in checkUpdate.Split('\n', StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("Obsoleting", StringComparison.Ordinal))
            {
                break;
            }
            if (line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: 3 } fields && fields[0].Contains('.', StringComparison.Ordinal))
            {
                updates++;
            }
        }
        var security = securityList.Split('\n', StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 3)
            .Select(fields => fields[^1])
            .Distinct(StringComparer.Ordinal)
            .Count();
        return new PendingUpdates("dnf", updates, security);
    }
}
