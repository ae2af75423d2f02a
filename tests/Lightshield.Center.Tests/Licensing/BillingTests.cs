using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Grpc.Net.Client;
using Lightshield.Center.Billing;
using Lightshield.Center.Identity;
using Lightshield.Center.Licensing;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Protocol.Center;

namespace Lightshield.Center.Tests.Licensing;

/// <summary>Metering and the monthly report over a whole month on the fake clock, through real enrolments and syncs.
/// The expected figures are worked out by hand below, not with the center's code.</summary>
public abstract class BillingTests<TDatabase>(BillingFixture<TDatabase> fixture) : IClassFixture<BillingFixture<TDatabase>>
    where TDatabase : TestDatabase, new()
{
    private readonly IntegrationDriver _driver = new(fixture.Client,
        GrpcChannel.ForAddress(fixture.Factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = fixture.Factory.Server.CreateHandler() }),
        fixture.ProviderToken, fixture.Time);

    [Fact]
    public async Task Agents_of_2_4_and_8_vcpus_joining_and_leaving_over_a_month_give_the_exact_vcpu_hours_peak_and_overage()
    {
        // The first whole month that starts after now; t below counts hours from its first instant.
        var now = fixture.Time.GetUtcNow().AddDays(1);
        var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        fixture.Time.SetUtcNow(month.AddHours(-1));
        var tenant = await _driver.CreateTenantAsync();
        var other = await _driver.CreateTenantAsync();
        var tenantToken = await ApiTokenAsync(tenant);
        using (var grant = await _driver.Provider.PostAsJsonAsync($"/api/v1/tenants/{tenant.Id}/licences", new LicenceRequest(10, null, null, 90)))
        {
            Assert.Equal(HttpStatusCode.Created, grant.StatusCode);
        }
        var enrolment = await _driver.EnrolmentTokenAsync(tenant, expiresInDays: 60);
        var otherEnrolment = await _driver.EnrolmentTokenAsync(other, expiresInDays: 60);

        // Contacts every 24 h (the presence gap of this fixture):
        // A (2 vCPUs): enrols at t=0, syncs up to t=240                         → present [0, 240)            240 h × 2 = 480
        // B (4 vCPUs): enrols at t=24, syncs up to t=144, silent for 26 h (more
        //              than the gap: not counted), syncs again t=170 to t=242  → [24, 144) + [170, 242)  192 h × 4 = 768
        // C (8 vCPUs): enrols at t=120.5, syncs up to t=168.5                   → [120.5, 168.5)           48 h × 8 = 384
        // Other tenant's D (2 vCPUs): t=0 and t=12                              → not in this tenant's figures
        var contacts = new List<(double T, string Agent, int Vcpus, string Token)>();
        contacts.AddRange(Every(0, 240, "A", 2, enrolment));
        contacts.AddRange(Every(24, 144, "B", 4, enrolment));
        contacts.AddRange(Every(170, 242, "B", 4, enrolment));
        contacts.AddRange(Every(120.5, 168.5, "C", 8, enrolment));
        contacts.AddRange([(0, "D", 2, otherEnrolment), (12, "D", 2, otherEnrolment)]);
        var credentials = new Dictionary<string, string>();
        foreach (var contact in contacts.OrderBy(c => c.T))
        {
            fixture.Time.SetUtcNow(month.AddHours(contact.T));
            if (!credentials.TryGetValue(contact.Agent, out var credential))
            {
                var request = IntegrationDriver.EnrolRequest(contact.Token, hostName: $"vm-{contact.Agent}");
                request.VirtualCpus = contact.Vcpus;
                credentials[contact.Agent] = (await _driver.Agents.EnrolAsync(request)).Credential;
                continue;
            }
            var sync = await _driver.SyncAsync(credential, new HealthReport { VirtualCpus = contact.Vcpus });
            if (!string.IsNullOrEmpty(sync.RenewedCredential))
            {
                credentials[contact.Agent] = sync.RenewedCredential;
            }
        }
        // Nothing is present after t=242: the report of the running month already holds the month's figures.
        fixture.Time.SetUtcNow(month.AddHours(250));

        // Totals: 480 + 768 + 384 = 1632 vCPU-hours. Peak: A + B + C = 14 during [120.5, 144).
        // Licence 10, overage counted per hour: hour t=120 holds 2 + 4 + 8 × 0.5 = 10 vCPU-hours, exactly the licence, so
        // none; hours t=121 to t=143 hold 14 each, 4 over: 23 × 4 = 92; from t=144 on at most 10. Peak overage 14 - 10 = 4.
        var report = await ReportAsync(tenantToken, month);
        var line = Assert.Single(report.Tenants);
        Assert.Equal(tenant.Id, line.TenantId);
        Assert.Equal(1632L * 3600, line.VcpuSeconds);
        Assert.Equal(1632m, line.VcpuHours);
        Assert.Equal(14, line.PeakVcpus);
        Assert.Equal(10, line.LicensedVcpus);
        Assert.Equal(92m, line.OverageVcpuHours);
        Assert.Equal(4, line.PeakOverageVcpus);
        Assert.False(report.Complete);
        Assert.Equal(month.AddHours(250), report.To);

        // The provider sees both tenants; the other tenant: 12 h × 2 = 24 vCPU-hours, no licence, all of it overage.
        var providerReport = await ReportAsync(fixture.ProviderToken, month);
        var otherLine = providerReport.Tenants.Single(t => t.TenantId == other.Id);
        Assert.Equal((24m, 2, 0, 24m, 2), (otherLine.VcpuHours, otherLine.PeakVcpus, otherLine.LicensedVcpus, otherLine.OverageVcpuHours, otherLine.PeakOverageVcpus));
        Assert.Equal(1632m, providerReport.Tenants.Single(t => t.TenantId == tenant.Id).VcpuHours);

        // Hour t=120 (the hour C joins at its half): A 2 × 3600 + B 4 × 3600 + C 8 × 1800 = 36000 vCPU-seconds, peak 14.
        using var usage = await _driver.Client(tenantToken).GetAsync(
            $"/api/v1/billing/usage?from={Uri.EscapeDataString(month.AddHours(120).ToString("o", CultureInfo.InvariantCulture))}"
            + $"&to={Uri.EscapeDataString(month.AddHours(121).ToString("o", CultureInfo.InvariantCulture))}");
        var hour = Assert.Single(await IntegrationDriver.ReadAsync<List<UsageHourResponse>>(usage, HttpStatusCode.OK));
        Assert.Equal((month.AddHours(120), 36000L, 14), (hour.Hour, hour.VcpuSeconds, hour.PeakVcpus));

        // CSV: a header and the tenant's one line.
        using var csv = await _driver.Client(tenantToken).GetAsync($"/api/v1/billing/report?month={month:yyyy-MM}&format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(BillingCsv.Header, lines[0]);
        Assert.Equal($"{month:yyyy-MM},{tenant.Id},{tenant.Name},14,{1632L * 3600},1632.0000,10,92.0000,4", Assert.Single(lines[1..]));

        // A tenant never sees another tenant's usage, even by asking for it.
        using var foreign = await _driver.Client(tenantToken).GetAsync($"/api/v1/billing/report?month={month:yyyy-MM}&tenant={other.Id}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    [Fact]
    public async Task A_month_that_is_not_yyyy_mm_is_a_clear_bad_request()
    {
        using var response = await _driver.Provider.GetAsync("/api/v1/billing/report?month=november");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("yyyy-MM", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static IEnumerable<(double, string, int, string)> Every(double from, double to, string agent, int vcpus, string token)
    {
        for (var t = from; t <= to; t += 24)
        {
            yield return (t, agent, vcpus, token);
        }
    }

    private async Task<MonthlyReport> ReportAsync(string token, DateTimeOffset month)
    {
        using var response = await _driver.Client(token).GetAsync($"/api/v1/billing/report?month={month:yyyy-MM}");
        return await IntegrationDriver.ReadAsync<MonthlyReport>(response, HttpStatusCode.OK);
    }

    private async Task<string> ApiTokenAsync(WorldTenant tenant)
    {
        using var response = await _driver.Client(tenant.AdminToken).PostAsJsonAsync("/api/v1/tokens", new TokenRequest(IntegrationDriver.Unique("t"), 90));
        return (await IntegrationDriver.ReadAsync<TokenCreatedResponse>(response, HttpStatusCode.Created)).Token;
    }
}

public sealed class BillingTests_Sqlite(BillingFixture<SqliteTestDatabase> fixture) : BillingTests<SqliteTestDatabase>(fixture);

public sealed class BillingTests_Postgres(BillingFixture<PostgresTestDatabase> fixture) : BillingTests<PostgresTestDatabase>(fixture);
