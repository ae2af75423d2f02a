using Microsoft.Data.Sqlite;

namespace Lightshield.Cli.Tests.Admin;

/// <summary><c>lightshield audit verify</c> against a center whose database file is then edited behind its back.
/// A class (and a center) of its own: the edit breaks the chain for good.</summary>
public sealed class AuditVerifyCommandTests(CliCenter center) : IClassFixture<CliCenter>
{
    [Fact]
    public async Task AuditVerify_IntactChain_ExitsZero_ThenOneRowEditedInTheDatabase_ExitsOneAndNamesTheRow()
    {
        var provider = await center.ProviderShellAsync();
        Assert.Equal(ExitCodes.Clean, (await provider.RunAsync("tenants", "create", "--name", "audited")).ExitCode);
        Assert.Equal(ExitCodes.Clean, (await provider.RunAsync("segments", "create", "--name", "pci")).ExitCode);

        var intact = await provider.RunAsync("audit", "verify");
        Assert.Equal((ExitCodes.Clean, ""), (intact.ExitCode, intact.Error));
        Assert.Matches("audit chain intact: [3-9] rows verified", intact.Output);
        var list = await provider.RunAsync("audit", "list");
        Assert.Contains("tenant.create", list.Output, StringComparison.Ordinal);

        // Someone with the database file rewrites history: the tenant was called something else.
        long edited;
        await using (var db = new SqliteConnection($"Data Source={center.DatabasePath};Pooling=False"))
        {
            await db.OpenAsync();
            await using var find = db.CreateCommand();
            find.CommandText = "SELECT Sequence FROM audit_log WHERE Action = 'tenant.create'";
            edited = (long)(await find.ExecuteScalarAsync())!;
            await using var update = db.CreateCommand();
            update.CommandText = "UPDATE audit_log SET Details = replace(Details, 'audited', 'innocent') WHERE Sequence = $sequence";
            update.Parameters.AddWithValue("$sequence", edited);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        var broken = await provider.RunAsync("audit", "verify");
        Assert.Equal(ExitCodes.ChainBroken, broken.ExitCode);
        Assert.Contains($"audit chain BROKEN at row {edited}: row {edited} was changed after it was written", broken.Output, StringComparison.Ordinal);
        var json = await provider.RunAsync("audit", "verify", "--json");
        Assert.Equal(ExitCodes.ChainBroken, json.ExitCode);
        var result = System.Text.Json.JsonDocument.Parse(json.Output).RootElement;
        Assert.False(result.GetProperty("valid").GetBoolean());
        Assert.Equal(edited, result.GetProperty("firstBrokenSequence").GetInt64());
    }
}
