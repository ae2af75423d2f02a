using Lightshield.Agent.Events;
using Lightshield.Agent.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Agent.Tests.Events;

public sealed class EventOutboxTests : IDisposable
{
    private readonly TempState _state = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero));

    public void Dispose() => _state.Dispose();

    [Fact]
    public async Task DeliverPendingAsync_SinkFailsThenSucceeds_EventsKeptThenDeliveredOnceInOrder()
    {
        var outbox = new EventOutbox(_state.Database, _time);
        var appended = new List<AgentEvent>();
        for (var i = 0; i < 3; i++)
        {
            appended.Add(await outbox.AppendAsync("detection", $"{{\"n\":{i}}}"));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        await Assert.ThrowsAsync<IOException>(() => outbox.DeliverPendingAsync(new FailingSink()));
        Assert.Equal(3, (await outbox.PendingAsync()).Count);

        var sink = new RecordingSink();
        Assert.Equal(3, await new EventOutbox(_state.Reopen(), _time).DeliverPendingAsync(sink));
        Assert.Equal(appended.Select(e => e.Id), sink.Delivered.Select(e => e.Id));
        Assert.Equal(0, await outbox.DeliverPendingAsync(sink));
        Assert.Equal(3, sink.Delivered.Count);
    }

    [Fact]
    public async Task PruneDeliveredAsync_OldDeliveredEvents_RemovedPendingKept()
    {
        var outbox = new EventOutbox(_state.Database, _time);
        await outbox.AppendAsync("health", "{}");
        await outbox.DeliverPendingAsync(new RecordingSink());
        await outbox.AppendAsync("health", "{}");
        _time.Advance(TimeSpan.FromDays(8));

        Assert.Equal(1, await outbox.PruneDeliveredAsync(TimeSpan.FromDays(7)));
        Assert.Single(await outbox.PendingAsync());
    }

    private sealed class FailingSink : IEventSink
    {
        public Task DeliverAsync(IReadOnlyList<AgentEvent> events, CancellationToken cancellationToken) =>
            throw new IOException("center unreachable");
    }

    private sealed class RecordingSink : IEventSink
    {
        public List<AgentEvent> Delivered { get; } = [];

        public Task DeliverAsync(IReadOnlyList<AgentEvent> events, CancellationToken cancellationToken)
        {
            Delivered.AddRange(events);
            return Task.CompletedTask;
        }
    }
}
