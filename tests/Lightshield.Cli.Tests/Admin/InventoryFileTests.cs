using System.Text.Json;
using Lightshield.Cli.Admin;

namespace Lightshield.Cli.Tests.Admin;

public sealed class InventoryFileTests
{
    [Fact]
    public void ToRequest_Csv_BecomesTheImportBody()
    {
        var body = InventoryFile.ToRequest("vms.csv", "instance_id,tenant,vcpus\r\ni-1,acme,4\ni-2, acme ,x\n");

        var instances = JsonDocument.Parse(body).RootElement.GetProperty("instances");
        Assert.Equal(2, instances.GetArrayLength());
        Assert.Equal("i-1", instances[0].GetProperty("instanceId").GetString());
        Assert.Equal(4, instances[0].GetProperty("vcpus").GetInt32());
        Assert.Equal("acme", instances[1].GetProperty("tenant").GetString());
        Assert.Equal(JsonValueKind.Null, instances[1].GetProperty("vcpus").ValueKind); // the center reports it
    }

    [Fact]
    public void ToRequest_JsonArray_IsPassedOn()
    {
        var body = InventoryFile.ToRequest("vms.json", """[{"instanceId":"i-1","tenant":"acme","vcpus":2}]""");

        Assert.Equal("i-1", JsonDocument.Parse(body).RootElement.GetProperty("instances")[0].GetProperty("instanceId").GetString());
    }

    [Theory]
    [InlineData("id,tenant,cpus\ni-1,acme,4", "first line")]
    [InlineData("instance_id,tenant,vcpus\ni-1,acme", "line 2: expected 3 fields")]
    [InlineData("[{\"instanceId\": ", "not valid JSON")]
    public void ToRequest_OtherShapes_SayWhatIsWrong(string text, string expected)
    {
        var error = Assert.Throws<AdminException>(() => InventoryFile.ToRequest("vms", text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
