using Lightshield.Agent.OnAccess;
using Lightshield.Agent.OnAccess.Native;

namespace Lightshield.Agent.Tests.Support;

/// <summary>A test that needs root and fanotify permission events (CI runs as root); skipped, with the reason, where
/// either is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "needs root (fanotify permission events, tmpfs mounts); run the tests as root, as CI does";
            return;
        }
        try
        {
            FanotifyGroup.Open(unlimitedQueue: false, _ => { }).Dispose();
        }
        catch (FanotifyException exception)
        {
            Skip = $"fanotify is unavailable on this kernel: {exception.Message}";
        }
    }
}
