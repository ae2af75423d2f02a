using Lightshield.Verdicts;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Client.Tests;

public sealed class BusyRetryTests
{
    private static readonly Verdict Clean = Verdict.Clean("1", DateTimeOffset.UnixEpoch);
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);
    private readonly FakeTimeProvider _time = new();
    private readonly List<DateTimeOffset> _attempts = [];

    [Fact]
    public async Task Busy_then_answered_waits_for_the_servers_hint_and_returns_the_answer()
    {
        var retry = new BusyRetry(_time, TimeSpan.FromMinutes(1));

        var outcome = await PumpAsync(retry.RunAsync(Attempt(ScanOutcome.Busy(TimeSpan.FromSeconds(3), "full"),
            ScanOutcome.Answered(Clean, cached: false)), CancellationToken.None));

        Assert.Equal(ScanOutcomeKind.Answered, outcome.Kind);
        Assert.Equal(2, _attempts.Count);
        AssertWaited(TimeSpan.FromSeconds(3), _attempts[1] - _attempts[0]);
    }

    [Fact]
    public async Task Still_busy_when_the_next_wait_would_pass_the_limit_returns_the_busy_outcome()
    {
        var retry = new BusyRetry(_time, TimeSpan.FromSeconds(5));
        var busy = ScanOutcome.Busy(TimeSpan.FromSeconds(2), "still full");

        var outcome = await PumpAsync(retry.RunAsync(Attempt(busy, busy, busy, busy, busy), CancellationToken.None));

        Assert.Equal((ScanOutcomeKind.Busy, "still full"), (outcome.Kind, outcome.Reason));
        Assert.Equal(3, _attempts.Count); // at 0, 2 and 4 s; waiting until 6 s would pass the 5 s limit
    }

    [Fact]
    public async Task Without_a_hint_the_waits_double()
    {
        var retry = new BusyRetry(_time, Timeout.InfiniteTimeSpan);
        var busy = ScanOutcome.Busy(TimeSpan.Zero, "full, no hint");

        await PumpAsync(retry.RunAsync(Attempt(busy, busy, busy, ScanOutcome.Answered(Clean, cached: true)), CancellationToken.None));

        Assert.Equal(4, _attempts.Count);
        AssertWaited(TimeSpan.FromMilliseconds(200), _attempts[1] - _attempts[0]);
        AssertWaited(TimeSpan.FromMilliseconds(400), _attempts[2] - _attempts[1]);
        AssertWaited(TimeSpan.FromMilliseconds(800), _attempts[3] - _attempts[2]);
    }

    [Fact]
    public async Task A_hint_above_the_cap_waits_only_the_cap()
    {
        var retry = new BusyRetry(_time, Timeout.InfiniteTimeSpan);

        await PumpAsync(retry.RunAsync(Attempt(ScanOutcome.Busy(TimeSpan.FromHours(1), "a hostile or broken hint"),
            ScanOutcome.Answered(Clean, cached: true)), CancellationToken.None));

        AssertWaited(BusyRetry.MaxDelay, _attempts[1] - _attempts[0]);
    }

    [Fact]
    public async Task A_stalled_upload_is_tried_once_more_then_the_stall_is_returned()
    {
        var retry = new BusyRetry(_time, Timeout.InfiniteTimeSpan);
        var stalled = ScanOutcome.Stalled("upload stalled: 0 bytes in 5.0 s, below the minimum rate of 64 KiB/s");

        var outcome = await PumpAsync(retry.RunAsync(Attempt(stalled, stalled, ScanOutcome.Answered(Clean, cached: false)), CancellationToken.None));

        Assert.Equal(ScanOutcomeKind.Stalled, outcome.Kind);
        Assert.StartsWith("upload stalled", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(1 + BusyRetry.MaxStallRetries, _attempts.Count);
    }

    [Fact]
    public async Task A_stall_then_an_answer_returns_the_answer()
    {
        var retry = new BusyRetry(_time, Timeout.InfiniteTimeSpan);

        var outcome = await PumpAsync(retry.RunAsync(Attempt(ScanOutcome.Stalled("upload stalled"), ScanOutcome.Answered(Clean, cached: false)),
            CancellationToken.None));

        Assert.Equal(ScanOutcomeKind.Answered, outcome.Kind);
        Assert.Equal(2, _attempts.Count);
    }

    [Fact]
    public async Task Cancellation_ends_the_wait()
    {
        using var cancel = new CancellationTokenSource();
        var retry = new BusyRetry(_time, Timeout.InfiniteTimeSpan);
        var run = retry.RunAsync(Attempt(ScanOutcome.Busy(TimeSpan.FromSeconds(10), "full")), cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Single(_attempts);
    }

    /// <summary>Answers each attempt with the next outcome (the last one again when they run out), noting the time.</summary>
    private Func<CancellationToken, Task<ScanOutcome>> Attempt(params ScanOutcome[] outcomes) => _ =>
    {
        lock (_attempts)
        {
            _attempts.Add(_time.GetUtcNow());
            return Task.FromResult(outcomes[Math.Min(_attempts.Count, outcomes.Length) - 1]);
        }
    };

    /// <summary>Moves the fake clock in small steps until <paramref name="run"/> ends (bounded: ten minutes of fake time).</summary>
    private async Task<ScanOutcome> PumpAsync(Task<ScanOutcome> run)
    {
        for (var i = 0; i < 6000 && !run.IsCompleted; i++)
        {
            _time.Advance(Step);
            await Task.Yield();
        }
        return await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>The clock moves in steps, so a wait ends at most one step after it is due.</summary>
    private static void AssertWaited(TimeSpan expected, TimeSpan actual) =>
        Assert.True(actual >= expected && actual <= expected + Step, $"waited {actual}, expected {expected}");
}
