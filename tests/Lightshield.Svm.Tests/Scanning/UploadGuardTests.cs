using Lightshield.Svm.Admission;
using Lightshield.Svm.Scanning;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Svm.Tests.Scanning;

public sealed class UploadGuardTests
{
    private static readonly AdmissionOptions Options = new()
    {
        ReceiveDeadline = TimeSpan.FromSeconds(10),
        MinUploadRate = 1000,
        UploadRateGrace = TimeSpan.FromSeconds(2),
    };

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void NothingSentAfterTheGrace_IsStalledForItsRate()
    {
        using var guard = new UploadGuard(Options, _time, declaredSize: 1_000_000, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(guard.Token.IsCancellationRequested, "stalled before the grace ended");

        _time.Advance(TimeSpan.FromSeconds(0.5));

        Assert.True(guard.Token.IsCancellationRequested);
        Assert.Equal("rate", guard.StallReason);
        Assert.StartsWith("upload stalled: 0 bytes in 2.", guard.Stall, StringComparison.Ordinal);
        Assert.Contains("below the minimum rate of 1 KiB/s", guard.Stall, StringComparison.Ordinal);
    }

    [Fact]
    public void SteadyUploadAboveTheRate_IsStalledOnlyAtTheDeadline()
    {
        using var guard = new UploadGuard(Options, _time, declaredSize: 1_000_000, CancellationToken.None);
        for (var i = 0; i < 39; i++)
        {
            guard.Received(500); // 2000 bytes a second
            _time.Advance(TimeSpan.FromMilliseconds(250));
            Assert.False(guard.Token.IsCancellationRequested, $"stalled at {_time.GetUtcNow()} while above the rate");
        }
        guard.Received(500);
        _time.Advance(TimeSpan.FromMilliseconds(250));

        Assert.True(guard.Token.IsCancellationRequested);
        Assert.Equal("deadline", guard.StallReason);
        Assert.StartsWith("upload stalled: 20000 of 1000000 bytes in 10.0 s, over the receive deadline of 10 s", guard.Stall, StringComparison.Ordinal);
    }

    [Fact]
    public void SmallFileNotCompleteAfterTheGrace_IsStalledEvenAboveTheRateItNeeds()
    {
        using var guard = new UploadGuard(Options, _time, declaredSize: 100, CancellationToken.None);
        guard.Received(99);
        _time.Advance(TimeSpan.FromSeconds(2.5));
        Assert.Equal("rate", guard.StallReason);
    }

    [Fact]
    public void CompletedUpload_IsNeverStalled()
    {
        using var guard = new UploadGuard(Options, _time, declaredSize: 100, CancellationToken.None);
        guard.Received(100);
        guard.Complete();
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.False(guard.Token.IsCancellationRequested);
        Assert.Null(guard.Stall);
    }
}
