using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Lightshield.Center.Inventory;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Protocol.Center;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Center.Tests.Integration;

/// <summary>A tenant controls its VMs, so a VM can declare fewer vCPUs than it has, or copy the instance id of a small
/// VM: the billed vCPUs come from the provider's inventory, one agent per instance, and a tenant neither reads nor
/// writes that inventory.</summary>
public abstract class VcpuInventoryAdversarialTests<TDatabase>(LiveCenter<TDatabase> center) : IClassFixture<LiveCenter<TDatabase>>
    where TDatabase : TestDatabase, new()
{
    private IntegrationDriver Driver => center.Driver;

    [Fact]
    public async Task A_vm_that_declares_one_vcpu_is_billed_the_inventory_s_eight_and_its_syncs_cannot_lower_them()
    {
        var tenant = await Driver.CreateTenantAsync();
        var instance = IntegrationDriver.Unique("inst");
        await ImportAsync((instance, tenant.Name, 8));

        var agent = await EnrolAsync(tenant, instance.ToUpperInvariant(), declaredVcpus: 1); // ids compare in lower case
        Assert.Equal((8, instance), await VcpusOfAsync(agent.AgentId));

        await Driver.SyncAsync(agent.Credential, new HealthReport { VirtualCpus = 1 });
        Assert.Equal((8, instance), await VcpusOfAsync(agent.AgentId));
    }

    [Fact]
    public async Task A_vm_that_copies_the_instance_id_of_an_enrolled_vm_is_refused_until_that_agent_is_revoked()
    {
        var tenant = await Driver.CreateTenantAsync();
        var instance = IntegrationDriver.Unique("small");
        await ImportAsync((instance, tenant.Name, 2));
        var small = await EnrolAsync(tenant, instance, declaredVcpus: 2);

        var copied = await Assert.ThrowsAsync<RpcException>(() => EnrolAsync(tenant, instance, declaredVcpus: 2));
        Assert.Equal(StatusCode.AlreadyExists, copied.StatusCode);
        Assert.Contains(small.AgentId, copied.Status.Detail, StringComparison.Ordinal);

        await Driver.RevokeAgentAsync(tenant, small.AgentId);
        var reinstalled = await EnrolAsync(tenant, instance, declaredVcpus: 2);
        Assert.Equal((2, instance), await VcpusOfAsync(reinstalled.AgentId));
        Assert.Equal((2, (string?)null), await VcpusOfAsync(small.AgentId));
    }

    [Fact]
    public async Task A_vm_that_names_another_tenant_s_instance_gets_neither_its_vcpus_nor_its_binding()
    {
        var victim = await Driver.CreateTenantAsync();
        var attacker = await Driver.CreateTenantAsync();
        var instance = IntegrationDriver.Unique("victim");
        await ImportAsync((instance, victim.Name, 16));

        var intruder = await EnrolAsync(attacker, instance, declaredVcpus: 2);
        Assert.Equal((2, (string?)null), await VcpusOfAsync(intruder.AgentId));

        var owner = await EnrolAsync(victim, instance, declaredVcpus: 2);
        Assert.Equal((16, instance), await VcpusOfAsync(owner.AgentId));
    }

    [Fact]
    public async Task A_new_import_gives_the_bound_agent_the_new_vcpus_and_moving_the_instance_unbinds_it()
    {
        var tenant = await Driver.CreateTenantAsync();
        var other = await Driver.CreateTenantAsync();
        var instance = IntegrationDriver.Unique("grow");
        await ImportAsync((instance, tenant.Name, 4));
        var agent = await EnrolAsync(tenant, instance, declaredVcpus: 4);

        var grown = await ImportAsync((instance, tenant.Id.ToString(), 12));
        Assert.Equal(new InventoryImportResult(0, 1, 0, 1), grown);
        Assert.Equal((12, instance), await VcpusOfAsync(agent.AgentId));

        await ImportAsync((instance, other.Name, 12));
        Assert.Equal((12, (string?)null), await VcpusOfAsync(agent.AgentId));
    }

    [Fact]
    public async Task An_import_reports_every_problem_at_once_and_writes_nothing()
    {
        var tenant = await Driver.CreateTenantAsync();
        var good = IntegrationDriver.Unique("good");
        using var response = await Driver.Provider.PutAsJsonAsync("/api/v1/inventory", new InventoryImportRequest(
        [
            new(good, tenant.Name, 2),
            new("../../etc/passwd", tenant.Name, 2),
            new(IntegrationDriver.Unique("x"), "no-such-tenant", 2),
            new(IntegrationDriver.Unique("y"), tenant.Name, 0),
            new(good.ToUpperInvariant(), tenant.Name, 2),
        ]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains("instance 2: 'instanceId'", problem, StringComparison.Ordinal);
        Assert.Contains("instance 3: there is no tenant 'no-such-tenant'", problem, StringComparison.Ordinal);
        Assert.Contains("instance 4: 'vcpus'", problem, StringComparison.Ordinal);
        Assert.Contains($"instance 5: instance '{good}' is listed twice", problem, StringComparison.Ordinal);
        Assert.Empty(await ListAsync(Driver.Provider, tenant.Name));
    }

    [Fact]
    public async Task A_tenant_neither_reads_nor_writes_the_inventory()
    {
        var tenant = await Driver.CreateTenantAsync();
        await ImportAsync((IntegrationDriver.Unique("own"), tenant.Name, 2));
        var admin = Driver.Client(tenant.AdminToken);

        using var read = await admin.GetAsync("/api/v1/inventory");
        using var write = await admin.PutAsJsonAsync("/api/v1/inventory", new InventoryImportRequest([new(IntegrationDriver.Unique("mine"), tenant.Name, 1)]));

        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Single(await ListAsync(Driver.Provider, tenant.Name));
    }

    private async Task<InventoryImportResult> ImportAsync(params (string InstanceId, string Tenant, int Vcpus)[] rows)
    {
        using var response = await Driver.Provider.PutAsJsonAsync("/api/v1/inventory",
            new InventoryImportRequest([.. rows.Select(r => new InventoryRow(r.InstanceId, r.Tenant, r.Vcpus))]));
        return await IntegrationDriver.ReadAsync<InventoryImportResult>(response, HttpStatusCode.OK);
    }

    private static async Task<List<InventoryInstanceResponse>> ListAsync(HttpClient client, string tenant)
    {
        using var response = await client.GetAsync($"/api/v1/inventory?tenant={tenant}");
        return await IntegrationDriver.ReadAsync<List<InventoryInstanceResponse>>(response, HttpStatusCode.OK);
    }

    private async Task<EnrolResponse> EnrolAsync(WorldTenant tenant, string instanceId, int declaredVcpus)
    {
        var request = IntegrationDriver.EnrolRequest(await Driver.EnrolmentTokenAsync(tenant));
        request.InstanceId = instanceId;
        request.VirtualCpus = declaredVcpus;
        return await Driver.Agents.EnrolAsync(request);
    }

    private async Task<(int Vcpus, string? InstanceId)> VcpusOfAsync(string agentId)
    {
        await using var scope = center.Services.GetRequiredService<IServiceScopeFactory>().CreateSystemScope();
        var agent = await scope.ServiceProvider.GetRequiredService<CenterDbContext>().Agents.AsNoTracking()
            .SingleAsync(a => a.Id == Guid.Parse(agentId));
        return (agent.Vcpus, agent.InventoryInstanceId);
    }
}

public sealed class VcpuInventoryAdversarialTests_Sqlite(LiveCenter<SqliteTestDatabase> center)
    : VcpuInventoryAdversarialTests<SqliteTestDatabase>(center);

public sealed class VcpuInventoryAdversarialTests_Postgres(LiveCenter<PostgresTestDatabase> center)
    : VcpuInventoryAdversarialTests<PostgresTestDatabase>(center);

/// <summary>A center that enrols only the VMs of its inventory.</summary>
public sealed class InventoryRequiredCenter<TDatabase> : LiveCenter<TDatabase> where TDatabase : TestDatabase, new()
{
    protected override void Configure(IDictionary<string, string?> settings) => settings["Center:Inventory:Required"] = "true";
}

public sealed class InventoryRequiredAdversarialTests(InventoryRequiredCenter<SqliteTestDatabase> center)
    : IClassFixture<InventoryRequiredCenter<SqliteTestDatabase>>
{
    [Fact]
    public async Task A_vm_outside_the_inventory_is_refused_and_one_inside_it_enrols()
    {
        var driver = center.Driver;
        var tenant = await driver.CreateTenantAsync();
        var listed = IntegrationDriver.Unique("listed");
        using (var imported = await driver.Provider.PutAsJsonAsync("/api/v1/inventory", new InventoryImportRequest([new(listed, tenant.Name, 3)])))
        {
            Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        }

        foreach (var instanceId in new[] { "", IntegrationDriver.Unique("unlisted") })
        {
            var request = IntegrationDriver.EnrolRequest(await driver.EnrolmentTokenAsync(tenant));
            request.InstanceId = instanceId;
            var refused = await Assert.ThrowsAsync<RpcException>(() => driver.Agents.EnrolAsync(request).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        }
        var accepted = IntegrationDriver.EnrolRequest(await driver.EnrolmentTokenAsync(tenant));
        accepted.InstanceId = listed;
        Assert.NotEmpty((await driver.Agents.EnrolAsync(accepted)).AgentId);
    }
}
