using System.Net;
using System.Text.Json;
using Lightshield.Center.Quarantine;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Protocol.Center;
using Lightshield.Quarantine;

namespace Lightshield.Center.Tests.Integration;

/// <summary>An agent (a tenant's VM, which speaks the protocol as it likes) reports events whose <c>names</c> is not a
/// list of strings, hoping to break its tenant's event and quarantine lists for the administrators.</summary>
public abstract class EventNamesAdversarialTests<TDatabase>(CenterFixture<TDatabase> fixture) : IntegrationTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    private static AgentEventMessage Event(string type, object payload) =>
        new() { EventId = Guid.NewGuid().ToString(), Type = type, PayloadJson = JsonSerializer.Serialize(payload) };

    private static object Item(object names) => new
    {
        itemId = QuarantineItemId.New(),
        encryptedPath = Convert.ToBase64String(new byte[384 + 28]),
        names,
        sha256 = new string('c', 64),
        size = 68,
        quarantinedAt = DateTimeOffset.UtcNow,
        wrappedDataKey = Convert.ToBase64String(new byte[32]),
        keyFingerprint = new string('d', 64),
    };

    [Fact]
    public async Task Names_that_are_not_a_list_of_strings_are_refused_at_ingestion_and_the_lists_keep_working()
    {
        var tenant = await Driver.CreateTenantAsync();
        var agent = await Driver.EnrolAsync(tenant);
        var batch = new EventBatch();
        batch.Events.Add(Event(QuarantineRestores.ItemEventType, Item("Eicar-Signature")));
        batch.Events.Add(Event(QuarantineRestores.ItemEventType, Item(new object[] { 1, 2 })));
        batch.Events.Add(Event("detection", new { path = "/tmp/a", names = new { name = "x" } }));
        batch.Events.Add(Event("detection", new { path = "/tmp/b", names = (string?)null }));
        batch.Events.Add(Event("detection", new { path = "/tmp/c", names = Enumerable.Repeat("n", 1000) }));
        var good = Event(QuarantineRestores.ItemEventType, Item(new[] { "Eicar-Signature" }));
        batch.Events.Add(good);

        var ack = await Driver.Agents.ReportEventsAsync(batch, IntegrationDriver.Bearer(agent.Credential));
        Assert.Equal((1, 5), (ack.Accepted, ack.Rejected));
        Assert.DoesNotContain(good.EventId, ack.RejectedIds);

        var admin = Driver.Client(tenant.AdminToken);
        using var quarantine = await admin.GetAsync("/api/v1/quarantine");
        Assert.Equal(HttpStatusCode.OK, quarantine.StatusCode);
        using var items = JsonDocument.Parse(await quarantine.Content.ReadAsStringAsync());
        var item = Assert.Single(items.RootElement.EnumerateArray());
        Assert.Equal("Eicar-Signature", item.GetProperty("names")[0].GetString());
        using var events = await admin.GetAsync("/api/v1/events");
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
    }
}

public sealed class EventNamesAdversarialTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : EventNamesAdversarialTests<SqliteTestDatabase>(fixture);

public sealed class EventNamesAdversarialTests_Postgres(CenterFixture<PostgresTestDatabase> fixture)
    : EventNamesAdversarialTests<PostgresTestDatabase>(fixture);
