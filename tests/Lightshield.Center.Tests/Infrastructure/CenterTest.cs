namespace Lightshield.Center.Tests.Infrastructure;

/// <summary>Every functional test class is abstract over the database and has one concrete class per provider:
/// <c>class XTests_Sqlite : XTests&lt;SqliteTestDatabase&gt;</c> and <c>class XTests_Postgres : XTests&lt;PostgresTestDatabase&gt;</c>.</summary>
public abstract class CenterTest<TDatabase>(CenterFixture<TDatabase> fixture) : IClassFixture<CenterFixture<TDatabase>>
    where TDatabase : TestDatabase, new()
{
    protected CenterFixture<TDatabase> Center { get; } = fixture;

    /// <summary>A name no other test of the class uses.</summary>
    protected static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
