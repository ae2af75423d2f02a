using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Testing;

/// <summary>A <see cref="FakeTimeProvider"/> that records the due time of every timer created on it (each
/// <c>Task.Delay</c> and <c>CreateTimer</c> given this clock). A test awaits the moment a component starts waiting,
/// then moves the clock past that wait: no race between the component arming its timer and the test advancing.</summary>
public sealed class FakeClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    /// <summary>The due time of each timer created, in creation order.</summary>
    public Recorded<TimeSpan> Timers { get; } = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Timers.Add(dueTime);
        return timer;
    }
}
