using Lightshield.Agent.Tests.OnAccess;

namespace Lightshield.Agent.Tests.Adversarial;

/// <summary>A real unprivileged local user, created for one test class (<c>useradd --system</c>, no home, no shell)
/// and removed at its end: the attacker of the agent's root-owned file operations.</summary>
public sealed class AttackerUser : IDisposable
{
    public const string UserAdd = "/usr/sbin/useradd";
    public const string UserDel = "/usr/sbin/userdel";

    public AttackerUser()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return; // the tests skip themselves
        }
        Name = "lsadv" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        var added = ChildProcess.Run(UserAdd, "--system", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin", Name);
        if (added.ExitCode != 0)
        {
            throw new InvalidOperationException($"useradd {Name} exited {added.ExitCode}: {added.StandardError}");
        }
        UserId = uint.Parse(ChildProcess.Run("id", "-u", Name).StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        GroupId = uint.Parse(ChildProcess.Run("id", "-g", Name).StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public string Name { get; } = "";

    public uint UserId { get; }

    public uint GroupId { get; }

    public void Dispose()
    {
        if (Name.Length > 0)
        {
            ChildProcess.Run(UserDel, Name);
        }
    }
}
