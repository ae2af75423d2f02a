using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Updates;
using Lightshield.Protocol.Updates;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Center.Tests.Updates;

public abstract class UpdateMirrorTests<TDatabase>(CenterFixture<TDatabase> fixture) : CenterTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    private static readonly DateTimeOffset Built = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_official_cvd_and_own_files_import_as_a_version_with_the_header_version_count_and_content_addresses()
    {
        var daily = UpdateFiles.Cvd("daily", 27500, 2_000_000, Built);
        var own = UpdateFiles.Hdb("one", "two", "three");
        using var response = await Center.Client(Center.ProviderToken).PostAsync("/api/v1/updates/versions?replace=true",
            UpdateFiles.Form("nightly mirror", ("daily.cvd", daily), ("provider.hdb", own)));
        var detail = await ReadAsync<UpdateVersionDetailResponse>(response, HttpStatusCode.Created);

        Assert.Equal(("nightly mirror", 2, 2_000_003L, (long)(daily.Length + own.Length)),
            (detail.Version.Description, detail.Version.FileCount, detail.Version.SignatureCount, detail.Version.TotalBytes));
        Assert.StartsWith("27500-", detail.Version.DatabaseVersion, StringComparison.Ordinal);
        var cvd = Assert.Single(detail.Files, f => f.Name == "daily.cvd");
        Assert.Equal(("cvd", UpdateFiles.Sha256(daily), 27500, 2_000_000L, Built, true),
            (cvd.Format, cvd.Sha256, cvd.DatabaseVersion, cvd.Signatures, cvd.BuildTime, cvd.Distributed));
        var hdb = Assert.Single(detail.Files, f => f.Name == "provider.hdb");
        Assert.Equal((UpdateFiles.Sha256(own), 3L), (hdb.Sha256, hdb.Signatures));
        var store = Center.Services.GetRequiredService<UpdateStore>();
        Assert.True(store.Contains(cvd.Sha256) && store.Contains(hdb.Sha256));

        // A second import of one file keeps the others: a new version that differs in that file only.
        var changed = UpdateFiles.Hdb("one", "two", "three", "four");
        using var second = await Center.Client(Center.ProviderToken).PostAsync("/api/v1/updates/versions", UpdateFiles.Form(null, ("provider.hdb", changed)));
        var next = await ReadAsync<UpdateVersionDetailResponse>(second, HttpStatusCode.Created);
        Assert.Equal(detail.Version.Id + 1, next.Version.Id);
        Assert.Equal(cvd.Sha256, Assert.Single(next.Files, f => f.Name == "daily.cvd").Sha256);
        Assert.Equal(UpdateFiles.Sha256(changed), Assert.Single(next.Files, f => f.Name == "provider.hdb").Sha256);
        Assert.NotEqual(detail.Version.DatabaseVersion, next.Version.DatabaseVersion);

        var listed = await Center.Client(Center.ProviderToken).GetFromJsonAsync<List<UpdateVersionResponse>>("/api/v1/updates/versions");
        Assert.Equal([next.Version.Id, detail.Version.Id], listed!.Take(2).Select(v => v.Id));
    }

    [Theory]
    [InlineData("evil.exe", "not a ClamAV signature file")]
    [InlineData("../escape.hdb", "a file name must be")]
    [InlineData("broken.hdb", "'broken.hdb' line 2: 'nothex' is not an MD5")]
    [InlineData("noheader.cvd", "has no ClamAV-VDB header")]
    [InlineData("truncated.cvd", "is damaged or truncated")]
    [InlineData("tiny.cld", "is truncated")]
    [InlineData("daily.cdiff", "named DATABASE-VERSION.cdiff")]
    [InlineData("empty.ndb", "is empty")]
    [InlineData("lightshield-update.sig", "is not a Lightshield update signature")]
    public async Task A_malformed_file_is_refused_with_a_clear_error_and_nothing_is_kept(string name, string expected)
    {
        var valid = UpdateFiles.Cvd("main", 62, 6_000_000, Built);
        byte[] content = name switch
        {
            "broken.hdb" => [.. UpdateFiles.Hdb("fine"), .. "nothex:12:Bad.Sig\n"u8.ToArray()],
            "noheader.cvd" => [.. new byte[512], .. valid[512..]],
            "truncated.cvd" => valid[..^10],
            "tiny.cld" => valid[..100],
            "empty.ndb" => [],
            _ => UpdateFiles.Hdb("x"),
        };
        var before = await Center.Client(Center.ProviderToken).GetFromJsonAsync<List<UpdateVersionResponse>>("/api/v1/updates/versions");
        using var response = await Center.Client(Center.ProviderToken).PostAsync("/api/v1/updates/versions",
            UpdateFiles.Form(null, ("good.hdb", UpdateFiles.Hdb(Unique("good"))), (name, content)));
        var problem = await ReadAsync<ProblemDetails>(response, HttpStatusCode.BadRequest);
        Assert.Contains(expected, problem.Detail, StringComparison.Ordinal);
        Assert.Contains("nothing was kept", problem.Detail, StringComparison.Ordinal);
        var after = await Center.Client(Center.ProviderToken).GetFromJsonAsync<List<UpdateVersionResponse>>("/api/v1/updates/versions");
        Assert.Equal(before!.Count, after!.Count);
    }

    [Fact]
    public async Task A_cdiff_is_kept_but_not_sent_to_scan_servers_and_alone_it_makes_no_version()
    {
        var client = Center.Client(Center.ProviderToken);
        using var alone = await client.PostAsync("/api/v1/updates/versions?replace=true", UpdateFiles.Form(null, ("daily-27501.cdiff", [1, 2, 3])));
        var problem = await ReadAsync<ProblemDetails>(alone, HttpStatusCode.BadRequest);
        Assert.Contains("applying .cdiff files is not supported", problem.Detail, StringComparison.Ordinal);

        using var withCld = await client.PostAsync("/api/v1/updates/versions?replace=true", UpdateFiles.Form(null,
            ("daily.cld", UpdateFiles.Cvd("daily", 27501, 10, Built)), ("daily-27501.cdiff", [1, 2, 3])));
        var detail = await ReadAsync<UpdateVersionDetailResponse>(withCld, HttpStatusCode.Created);
        var cdiff = Assert.Single(detail.Files, f => f.Format == "cdiff");
        Assert.Equal((27501, false), (cdiff.DatabaseVersion, cdiff.Distributed));
        Assert.Equal(1, detail.Version.FileCount);
    }

    [Fact]
    public async Task A_signature_travels_with_its_set_outside_the_database_version_and_a_merged_import_drops_it()
    {
        var client = Center.Client(Center.ProviderToken);
        var own = UpdateFiles.Hdb(Unique("signed"));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signature = Encoding.UTF8.GetBytes(UpdateSignatureFile.Sign([new SignedUpdateFile("provider.hdb", UpdateFiles.Sha256(own), own.Length)],
            DateTimeOffset.UtcNow, key));

        using var unsignedImport = await client.PostAsync("/api/v1/updates/versions?replace=true", UpdateFiles.Form(null, ("provider.hdb", own)));
        var unsigned = await ReadAsync<UpdateVersionDetailResponse>(unsignedImport, HttpStatusCode.Created);
        using var signedImport = await client.PostAsync("/api/v1/updates/versions?replace=true",
            UpdateFiles.Form(null, ("provider.hdb", own), (UpdateSignatureFile.FileName, signature)));
        var signed = await ReadAsync<UpdateVersionDetailResponse>(signedImport, HttpStatusCode.Created);
        using var mergedImport = await client.PostAsync("/api/v1/updates/versions", UpdateFiles.Form(null, ("more.hdb", UpdateFiles.Hdb(Unique("more")))));
        var merged = await ReadAsync<UpdateVersionDetailResponse>(mergedImport, HttpStatusCode.Created);

        var file = Assert.Single(signed.Files, f => f.Name == UpdateSignatureFile.FileName);
        Assert.Equal((UpdateFileNames.SignatureFormat, true), (file.Format, file.Distributed));
        Assert.Equal((unsigned.Version.DatabaseVersion, 1), (signed.Version.DatabaseVersion, signed.Version.FileCount));
        Assert.DoesNotContain(merged.Files, f => f.Name == UpdateSignatureFile.FileName);
        Assert.Contains(merged.Files, f => f.Name == "provider.hdb");
    }

    [Fact]
    public async Task Update_routes_are_the_providers_a_tenant_admin_gets_403()
    {
        var tenant = await Center.CreateTenantAsync(Unique("updates"));
        var client = Center.Client(tenant.AdminToken);
        foreach (var path in new[] { "versions", "status", "status/hosts", "status/tenants", "rollouts" })
        {
            using var response = await client.GetAsync($"/api/v1/updates/{path}");
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        using var import = await client.PostAsync("/api/v1/updates/versions", UpdateFiles.Form(null, ("x.hdb", UpdateFiles.Hdb("x"))));
        Assert.Equal(HttpStatusCode.Forbidden, import.StatusCode);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {body}");
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }
}

public sealed class UpdateMirrorTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : UpdateMirrorTests<SqliteTestDatabase>(fixture);

public sealed class UpdateMirrorTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : UpdateMirrorTests<PostgresTestDatabase>(fixture);
