using System.Globalization;
using System.Net;
using System.Text.Json;
using Lightshield.Center.Events;
using Lightshield.Center.Queries;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Protocol.Center;
using Microsoft.Playwright;

namespace Lightshield.Center.Tests.Console;

/// <summary>The REST API and the console answer from the same query services: for the same filter the console's
/// events page shows exactly the rows <c>GET /api/v1/events</c> returns, and a search both refuse is refused with the
/// same message. A real center (SQLite), events sent by an enrolled agent over gRPC, Debian's chromium.</summary>
public sealed class RestConsoleParityTests(LiveCenter<SqliteTestDatabase> center, ConsoleBrowser browser)
    : IClassFixture<LiveCenter<SqliteTestDatabase>>, IClassFixture<ConsoleBrowser>
{
    private IntegrationDriver Driver => center.Driver;

    private static AgentEventMessage Event(string type, DateTimeOffset at, object payload) => new()
    {
        EventId = Guid.NewGuid().ToString(),
        CreatedUnixMs = at.ToUnixTimeMilliseconds(),
        Type = type,
        PayloadJson = JsonSerializer.Serialize(payload),
    };

    private static object Detection(string path, string name, string taken) =>
        new { source = "on-demand", path, names = new[] { name }, sha256 = new string('a', 64), action = "quarantine", taken };

    [Fact]
    public async Task The_events_page_shows_the_rows_the_REST_API_returns_for_the_same_filter()
    {
        var tenant = await Driver.CreateTenantAsync();
        var web = await Driver.EnrolAsync(tenant, "host-parity", "web-01");
        var db = await Driver.EnrolAsync(tenant, "host-parity", "db-01");
        var now = center.Time.GetUtcNow();
        var batchWeb = new EventBatch();
        batchWeb.Events.Add(Event("detection", now.AddMinutes(-5), Detection("/srv/www/invoice.pdf.exe", "Win.Trojan.Invoice", "quarantined")));
        batchWeb.Events.Add(Event("detection", now.AddMinutes(-4), Detection("/srv/www/logo.png", "Eicar-Test-Signature", "reported")));
        batchWeb.Events.Add(Event("task-progress", now.AddMinutes(-3), new { task = "t1", path = "/srv/www/invoice-archive" }));
        var batchDb = new EventBatch();
        batchDb.Events.Add(Event("detection", now.AddMinutes(-2), Detection("/var/lib/invoice-export.sh", "Unix.Malware.Invoice", "deleted")));
        batchDb.Events.Add(Event("detection", now.AddMinutes(-1), Detection("/var/lib/clean-report.txt", "Eicar-Test-Signature", "quarantined")));
        Assert.Equal(3, (await Driver.Agents.ReportEventsAsync(batchWeb, IntegrationDriver.Bearer(web.Credential))).Accepted);
        Assert.Equal(2, (await Driver.Agents.ReportEventsAsync(batchDb, IntegrationDriver.Bearer(db.Credential))).Accepted);

        // REST: detections whose payload mentions "invoice": two of the five events (one is not a detection).
        var admin = Driver.Client(tenant.AdminToken);
        var page = await IntegrationDriver.ReadAsync<EventPage>(await admin.GetAsync("/api/v1/events?type=detection&search=invoice"), HttpStatusCode.OK);
        Assert.Equal(2, page.Total);
        var expected = page.Events.Select(e => new[]
        {
            e.CreatedAt.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture), e.Type, e.AgentHostName ?? "", e.Path ?? "",
            string.Join(", ", e.Names), e.Action ?? "",
        }).ToList();

        // The console, same filter: the type selector's default is detections; the search goes in the search box.
        await using var tab = await browser.OpenAsync(center.RestAddress);
        await tab.SignInAsync(tenant.Name, "admin", tenant.AdminPassword);
        await tab.OpenAsync("events", "#events-table");
        await tab.Page.Locator("#event-search").FillAsync("invoice");
        await tab.Page.Locator("#event-search").PressAsync("Tab");
        var rows = tab.Page.Locator("#events-table tbody tr:has(td.event-type)");
        await Assertions.Expect(rows).ToHaveCountAsync(expected.Count);
        var shown = new List<string[]>();
        for (var i = 0; i < expected.Count; i++)
        {
            var row = rows.Nth(i);
            shown.Add([
                .. await Task.WhenAll(new[] { "event-time", "event-type", "event-agent", "event-path", "event-names", "event-action" }
                    .Select(async cell => (await row.Locator($"td.{cell}").InnerTextAsync()).Trim())),
            ]);
        }
        Assert.Equal(expected, shown);
        string[][] seen =
        [
            ["db-01", "/var/lib/invoice-export.sh", "Unix.Malware.Invoice", "deleted"],
            ["web-01", "/srv/www/invoice.pdf.exe", "Win.Trojan.Invoice", "quarantined"],
        ];
        Assert.Equal(seen, shown.Select(r => r[2..]).ToArray());

        // A search over the limit: the API answers 400, the console shows the same message and no rows (neither cuts it).
        var tooLong = new string('x', TextSearch.MaxLength + 1);
        using var refused = await admin.GetAsync($"/api/v1/events?search={tooLong}");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        Assert.Equal($"'search' must have at most {TextSearch.MaxLength} characters.", problem);
        await tab.Page.Locator("#event-search").FillAsync(tooLong);
        await tab.Page.Locator("#event-search").PressAsync("Tab");
        await Assertions.Expect(tab.Page.Locator("#events-problem")).ToHaveTextAsync(problem!);
        await Assertions.Expect(rows).ToHaveCountAsync(0);
    }
}
