using System.Globalization;

namespace Lightshield.Agent.Firewall;

/// <summary>Local user and group names to ids, from <c>/etc/passwd</c> and <c>/etc/group</c> (the accounts the kernel's
/// <c>skuid</c>/<c>skgid</c> see on this VM). A numeric reference is its own id.</summary>
public sealed class LocalAccounts(string passwd = "/etc/passwd", string group = "/etc/group")
{
    public uint? UserId(string reference) => Resolve(reference, passwd);

    public uint? GroupId(string reference) => Resolve(reference, group);

    private static uint? Resolve(string reference, string file)
    {
        if (uint.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return id;
        }
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                var fields = line.Split(':');
                if (fields.Length >= 3 && fields[0] == reference
                    && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out id))
                {
                    return id;
                }
            }
        }
        catch (IOException)
        {
        }
        return null;
    }
}
