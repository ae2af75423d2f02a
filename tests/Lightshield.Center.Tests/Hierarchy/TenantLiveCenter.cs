using System.Net;
using System.Net.Http.Json;
using Lightshield.Center.Hierarchy;
using Lightshield.Center.Identity;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Center.Tests.Hierarchy;

/// <summary>A real <c>tenant</c>-role center (its own database, listeners and clock) linked to a main center with the
/// credential the main issued. Its link client is driven round by round by the tests (<see cref="ExchangeAsync"/>). Its clock
/// is its own, or the one given (a world on one clock).</summary>
public sealed class TenantLiveCenter<TDatabase>(Uri mainAddress, string mainFingerprint, string credential, TimeSpan? interval = null,
    FakeTimeProvider? time = null)
    : LiveCenter<TDatabase>(time)
    where TDatabase : TestDatabase, new()
{
    protected override void Configure(IDictionary<string, string?> settings)
    {
        settings["Center:Role"] = "tenant";
        settings["Center:Link:MainAddress"] = mainAddress.ToString();
        settings["Center:Link:MainCertificateSha256"] = mainFingerprint;
        settings["Center:Link:Credential"] = credential;
        // Rounds are driven by the tests unless they ask for the background loop's interval (it waits on the fake clock).
        settings["Center:Link:Interval"] = (interval ?? TimeSpan.FromHours(1)).ToString();
    }

    public Task ExchangeAsync() => Services.GetRequiredService<LinkClient>().ExchangeOnceAsync(CancellationToken.None);

    /// <summary>The tenant as its own administrators see it on this center (the first exchange created it): a login
    /// of the tenant-admin the link made from this center's administrator, and an agent group.</summary>
    internal async Task<WorldTenant> TenantAsync(string tenantName)
    {
        using var login = await Driver.Client().PostAsJsonAsync("/api/v1/auth/login", new LoginRequest(tenantName, AdminUserName, AdminPassword));
        var token = (await IntegrationDriver.ReadAsync<LoginResponse>(login, HttpStatusCode.OK)).Token;
        using var group = await Driver.Client(token).PostAsJsonAsync("/api/v1/agent-groups", new Agents.AgentGroupRequest("servers", null));
        var groupId = (await IntegrationDriver.ReadAsync<Agents.AgentGroupResponse>(group, HttpStatusCode.Created)).Id;
        var tenantId = (await IntegrationDriver.ReadAsync<LinkStatusView>(await Driver.Provider.GetAsync("/api/v1/link"), HttpStatusCode.OK)).TenantId!.Value;
        return new WorldTenant(tenantId, tenantName, token, groupId, AdminPassword);
    }
}
