namespace Lightshield.Agent.Tests.Adversarial;

/// <summary>An attack test: it needs root (to create an unprivileged user, mount a tmpfs and act as the agent does),
/// util-linux's <c>useradd</c>/<c>setpriv</c> and Debian's <c>python3</c> (the attacker's racing loop). Skipped, with
/// the reason, where one is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AdversarialFactAttribute : FactAttribute
{
    public AdversarialFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "attack tests need root: they create an unprivileged user and race it against the agent as root, as CI does";
            return;
        }
        foreach (var tool in new[] { AttackerUser.UserAdd, AttackerUser.UserDel, Racer.Setpriv, Racer.Python })
        {
            if (!File.Exists(tool))
            {
                Skip = $"attack tests need {tool}";
                return;
            }
        }
    }
}
