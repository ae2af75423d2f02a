using System.Net;
using System.Text.Json;
using Lightshield.Center.Tests.Infrastructure;

namespace Lightshield.Center.Tests.Hosting;

public abstract class CenterHostingTests<TDatabase>(CenterFixture<TDatabase> fixture) : CenterTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    [Fact]
    public async Task Health_endpoints_answer_healthy_once_the_database_is_migrated()
    {
        Assert.Equal("Healthy", await Center.Client().GetStringAsync("/health/live"));
        Assert.Equal("Healthy", await Center.Client().GetStringAsync("/health/ready"));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api_and_the_reference_page_is_served()
    {
        using var document = JsonDocument.Parse(await Center.Client().GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/tenants", paths);
        Assert.Contains("/api/v1/auth/login", paths);
        Assert.Contains("/api/v1/audit/verify", paths);
        Assert.True(document.RootElement.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("bearer", out _));

        using var reference = await Center.Client().GetAsync("/api/reference");
        Assert.True(reference.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect or HttpStatusCode.MovedPermanently,
            $"/api/reference answered {(int)reference.StatusCode}");
    }

    [Fact]
    public async Task Requests_without_a_token_get_a_401_problem_that_says_how_to_authenticate()
    {
        using var response = await Center.Client().GetAsync("/api/v1/tenants");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Authorization: Bearer", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

public sealed class CenterHostingTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : CenterHostingTests<SqliteTestDatabase>(fixture);

public sealed class CenterHostingTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : CenterHostingTests<PostgresTestDatabase>(fixture);
