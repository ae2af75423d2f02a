using Lightshield.Center.Tests.Integration;

namespace Lightshield.Center.Tests.Infrastructure;

/// <summary>Bounded polling of what real scan servers, centers and agents do: looks until the probe finds something and
/// fails with what it waited for after the patience. Between looks it runs <c>between</c> (a test on fake clocks moves
/// them there, so timers on them keep firing), and a running agent that stopped fails the wait at once with what it logged.</summary>
internal static class Eventually
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(200);

    public static async Task<T> FindAsync<T>(Func<Task<T?>> probe, string what, TimeSpan patience, Action? between = null,
        LiveAgent? agent = null, TimeSpan? interval = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }
            Assert.True(agent?.IsRunning ?? true, $"the agent stopped while waiting for: {what}; it logged: {agent?.Errors}");
            Assert.True(DateTime.UtcNow < deadline, $"still not the case after {patience.TotalSeconds} s: {what}");
            between?.Invoke();
            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    public static Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan patience, Action? between = null,
        LiveAgent? agent = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return FindAsync(async () => await condition() ? "yes" : null, what, patience, between, agent, interval);
    }
}
