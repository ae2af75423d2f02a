using System.Text.Json;
using Lightshield.Center.Events;
using Lightshield.Center.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Wire = Lightshield.Protocol.Center;

namespace Lightshield.Cli.Tests.Admin;

/// <summary><c>lightshield events list</c> is read by people: a table of time, type, the agent's host name, path, threat
/// names and the action taken, never the raw payload (which can hold a base64 key); <c>--json</c> keeps the event whole.</summary>
public sealed class EventListTests(CliCenter center) : IClassFixture<CliCenter>
{
    private const string WrappedKey = "c2VjcmV0LWtleS1ibG9iLXRoYXQtbm9ib2R5LXNob3VsZC1yZWFk";

    [Fact]
    public async Task EventsList_ShowsTimeTypeHostPathThreatsAndAction_AndJsonKeepsTheWholeEvent()
    {
        var provider = await center.ProviderShellAsync();
        var name = "tenant-" + Guid.NewGuid().ToString("N")[..8];
        var created = await provider.JsonAsync("tenants", "create", "--name", name, "--admin", "boss");
        var tenant = center.Shell();
        await tenant.LoginAsync(center.Url, name, "boss", created.GetProperty("adminPassword").GetString()!, "chosen-by-the-tenant-admin");
        var groupId = (await tenant.JsonAsync("groups", "create", "--name", "web")).GetProperty("id").GetString()!;
        var token = (await tenant.JsonAsync("enrolment-tokens", "create", "--name", "t", "--group", groupId)).GetProperty("token").GetString();
        var (agentId, tenantId) = await center.EnrolAsync(token!, "web-01");

        // What the agent reports after quarantining a file: a detection and the vault item (with its wrapped key).
        await IngestAsync(tenantId, Guid.Parse(agentId),
            Message("detection", new
            {
                source = "on-demand",
                path = "/srv/www/invoice.pdf.exe",
                names = new[] { "Win.Trojan.Invoice", "Eicar-Test-Signature" },
                sha256 = new string('a', 64),
                action = "quarantine",
                taken = "quarantined",
            }),
            Message("quarantine-item", new
            {
                itemId = new string('b', 32),
                encryptedPath = Convert.ToBase64String(new byte[384 + 28]),
                names = new[] { "Win.Trojan.Invoice" },
                sha256 = new string('a', 64),
                size = 42,
                wrappedDataKey = WrappedKey,
                keyFingerprint = new string('c', 64),
            }));

        var table = await tenant.RunAsync("events", "list");
        Assert.Equal((ExitCodes.Clean, ""), (table.ExitCode, table.Error));
        var lines = table.Output.Split('\n');
        var header = Assert.Single(lines, l => l.Contains("Time (UTC)", StringComparison.Ordinal));
        Assert.Equal(["Time (UTC)", "Type", "Agent", "Path", "Threats", "Action"],
            header.Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(c => c.Length > 0));
        var detection = Assert.Single(lines, l => l.Contains("│ detection ", StringComparison.Ordinal));
        Assert.Contains("web-01", detection, StringComparison.Ordinal);
        Assert.Contains("/srv/www/invoice.pdf.exe", detection, StringComparison.Ordinal);
        Assert.Contains("Win.Trojan.Invoice, Eicar-Test-Signature", table.Output, StringComparison.Ordinal);
        Assert.Contains("quarantined", detection, StringComparison.Ordinal);
        Assert.Single(lines, l => l.Contains("│ quarantine-item ", StringComparison.Ordinal) && l.Contains("web-01", StringComparison.Ordinal));
        Assert.DoesNotContain(WrappedKey, table.Output, StringComparison.Ordinal);
        Assert.Contains("page 1, 50 per page, 2 events in all", table.Output, StringComparison.Ordinal);

        var json = await tenant.JsonAsync("events", "list", "--type", "quarantine-item");
        var item = Assert.Single(json.GetProperty("events").EnumerateArray());
        Assert.Equal(WrappedKey, item.GetProperty("payload").GetProperty("wrappedDataKey").GetString());
        Assert.Equal("web-01", item.GetProperty("agentHostName").GetString());
    }

    private static Wire.AgentEventMessage Message(string type, object payload) => new()
    {
        EventId = Guid.NewGuid().ToString(),
        CreatedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        Type = type,
        PayloadJson = JsonSerializer.Serialize(payload),
    };

    /// <summary>Stores events as the center's gRPC gateway would for this agent (the CLI's center has no gRPC endpoint).</summary>
    private async Task IngestAsync(Guid tenantId, Guid agentId, params Wire.AgentEventMessage[] events)
    {
        await using var scope = center.Services.GetRequiredService<IServiceScopeFactory>().CreateScope(TenantScope.ForTenant(tenantId));
        var ack = await scope.ServiceProvider.GetRequiredService<EventIngestion>().IngestAsync(agentId, events, CancellationToken.None);
        Assert.Equal(events.Length, ack.Accepted);
    }
}
