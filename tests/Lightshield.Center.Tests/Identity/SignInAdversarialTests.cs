using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Lightshield.Center.Identity;
using Lightshield.Center.Tenants;
using Lightshield.Center.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Center.Tests.Identity;

/// <summary>A center that records every log line (Debug and up), to look for passwords in them.</summary>
public sealed class SignInFixture<TDatabase> : CenterFixture<TDatabase> where TDatabase : TestDatabase, new()
{
    public LogRecorder Logs { get; } = new();

    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Debug",
    };

    protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);
}

/// <summary>Keeps every formatted log message and the values of its state.</summary>
public sealed class LogRecorder : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Recorder(LogRecorder owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            owner.Lines.Enqueue($"{category}: {formatter(state, exception)} {values} {exception}");
        }
    }
}

/// <summary>Someone guesses passwords: against one account, spread over many accounts from one address, or by holding
/// a password the provider chose, or an old one after its owner changed it.</summary>
public abstract class SignInAdversarialTests<TDatabase>(SignInFixture<TDatabase> center) : IClassFixture<SignInFixture<TDatabase>>
    where TDatabase : TestDatabase, new()
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    /// <summary>An address no other test of the class uses (TEST-NET-3).</summary>
    private static IPAddress Address() => new([203, 0, 113, (byte)Random.Shared.Next(1, 255)]);

    private async Task<SignInFailure?> TryAsync(string? tenant, string user, string password, IPAddress address, string? newPassword = null)
    {
        var signIn = center.Services.GetRequiredService<PasswordSignIn>();
        return (await signIn.SignInAsync(new SignInAttempt(tenant, user, password, newPassword, address), "test", Lifetime, default)).Failure;
    }

    [Fact]
    public async Task A_guessing_loop_on_one_account_gets_a_few_checks_an_hour_and_the_owner_signs_in_from_elsewhere_after_the_back_off()
    {
        var tenant = await center.CreateTenantAsync(Unique("guess"));
        var attacker = new IPAddress([198, 51, 100, (byte)Random.Shared.Next(1, 255)]);
        var owner = Address();

        // One guess a second for ten minutes: 600 tries.
        var outcomes = new List<SignInFailure?>();
        for (var second = 0; second < 600; second++)
        {
            outcomes.Add(await TryAsync(tenant.Name, "admin", $"guess-{second:D4}-password", attacker));
            center.Time.Advance(TimeSpan.FromSeconds(1));
        }
        var checkedGuesses = outcomes.Count(o => o == SignInFailure.WrongCredentials);
        // 5 free, then waits of 1, 2, 4 ... 256 s (511 s): 15 guesses checked, every other try refused unchecked.
        Assert.InRange(checkedGuesses, 6, 16);
        Assert.Equal(600 - checkedGuesses, outcomes.Count(o => o == SignInFailure.TooManyAttempts));

        // While the account waits, even the right password is refused, from any address.
        Assert.Equal(SignInFailure.TooManyAttempts, await TryAsync(tenant.Name, "admin", tenant.AdminPassword, owner));
        // The account's wait is capped: after it, the owner signs in from its own address, and that clears the account.
        center.Time.Advance(center.Services.GetRequiredService<IOptions<SignInOptions>>().Value.MaxAccountWait);
        Assert.Null(await TryAsync(tenant.Name, "admin", tenant.AdminPassword, owner));
        // The guesser's address keeps its count: its next guess costs it a wait of its own, for any account, while the
        // account (one failure since the owner's sign-in) stays open to its owner.
        Assert.Equal(SignInFailure.WrongCredentials, await TryAsync(tenant.Name, "admin", "one-more-guess-password", attacker));
        var other = await center.CreateTenantAsync(Unique("guess"));
        Assert.Equal(SignInFailure.TooManyAttempts, await TryAsync(other.Name, "admin", other.AdminPassword, attacker));
        Assert.Null(await TryAsync(tenant.Name, "admin", tenant.AdminPassword, owner));
    }

    [Fact]
    public async Task Spraying_one_password_over_many_accounts_from_one_address_is_refused_after_ten_and_other_addresses_are_not_hindered()
    {
        var sprayer = Address();
        var outcomes = new List<SignInFailure?>();
        for (var i = 0; i < 14; i++)
        {
            outcomes.Add(await TryAsync(Unique("nobody"), "admin", "Summer2026!-password", sprayer));
        }
        Assert.Equal(11, outcomes.Count(o => o == SignInFailure.WrongCredentials));
        Assert.Equal(3, outcomes.Skip(11).Count(o => o == SignInFailure.TooManyAttempts));

        var tenant = await center.CreateTenantAsync(Unique("spray"));
        Assert.Equal(SignInFailure.TooManyAttempts, await TryAsync(tenant.Name, "admin", tenant.AdminPassword, sprayer));
        var elsewhere = new IPAddress([192, 0, 2, (byte)Random.Shared.Next(1, 255)]);
        Assert.Null(await TryAsync(tenant.Name, "admin", tenant.AdminPassword, elsewhere));
    }

    [Fact]
    public async Task The_rest_api_answers_a_throttled_sign_in_with_429_and_retry_after_without_checking_the_password()
    {
        var tenant = await center.CreateTenantAsync(Unique("rest"));
        for (var i = 0; i < 6; i++)
        {
            using var wrong = await center.Client().PostAsJsonAsync("/api/v1/auth/login", new LoginRequest(tenant.Name, "admin", $"wrong-{i}-password"));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using var refused = await center.Client().PostAsJsonAsync("/api/v1/auth/login", new LoginRequest(tenant.Name, "admin", tenant.AdminPassword));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");
        center.Time.Advance(TimeSpan.FromSeconds(1));
        using var after = await center.Client().PostAsJsonAsync("/api/v1/auth/login", new LoginRequest(tenant.Name, "admin", tenant.AdminPassword));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Password_checks_beyond_the_bound_wait_in_a_bounded_queue_and_the_rest_are_refused_as_busy()
    {
        using var throttle = new SignInThrottle(Options.Create(new SignInOptions
        {
            MaxConcurrentChecks = 2,
            MaxQueuedChecks = 1,
            CheckQueueTimeout = TimeSpan.FromSeconds(30),
        }), new FakeTimeProvider());
        using var first = await throttle.EnterCheckAsync(default);
        using var second = await throttle.EnterCheckAsync(default);
        Assert.NotNull(first);
        Assert.NotNull(second);
        var queued = throttle.EnterCheckAsync(default);
        Assert.False(queued.IsCompleted);
        Assert.Null(await throttle.EnterCheckAsync(default));
        first!.Dispose();
        using var third = await queued.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(third);

        // The center's own bound: one check per processor.
        var options = center.Services.GetRequiredService<IOptions<SignInOptions>>().Value;
        Assert.Equal(Environment.ProcessorCount, options.MaxConcurrentChecks);
    }

    [Fact]
    public async Task A_password_the_provider_chose_opens_no_session_until_the_tenant_admin_replaces_it_and_then_it_is_dead()
    {
        var name = Unique("first");
        using var response = await center.Client(center.ProviderToken).PostAsJsonAsync("/api/v1/tenants",
            new TenantRequest(name, null, "Europe/Berlin", "admin"));
        var created = (await response.Content.ReadFromJsonAsync<TenantCreatedResponse>())!;

        using (var first = await center.Client().PostAsJsonAsync("/api/v1/auth/login", new LoginRequest(name, "admin", created.AdminPassword)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, first.StatusCode);
            var body = await first.Content.ReadAsStringAsync();
            Assert.Contains("urn:lightshield:password-change-required", body, StringComparison.Ordinal);
            Assert.DoesNotContain("\"token\"", body, StringComparison.Ordinal);
        }
        using (var tooShort = await center.Client().PostAsJsonAsync("/api/v1/auth/login",
            new LoginRequest(name, "admin", created.AdminPassword, "short")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        }
        using (var same = await center.Client().PostAsJsonAsync("/api/v1/auth/login",
            new LoginRequest(name, "admin", created.AdminPassword, created.AdminPassword)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, same.StatusCode);
        }
        // A wrong password with a new one changes nothing.
        using (var wrong = await center.Client().PostAsJsonAsync("/api/v1/auth/login",
            new LoginRequest(name, "admin", "not-the-password", "attacker-chosen-password")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        var chosen = "the-admin-chose-this-one";
        using (var changed = await center.Client().PostAsJsonAsync("/api/v1/auth/login", new LoginRequest(name, "admin", created.AdminPassword, chosen)))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }
        using (var old = await center.Client().PostAsJsonAsync("/api/v1/auth/login", new LoginRequest(name, "admin", created.AdminPassword)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }
        using var again = await center.Client().PostAsJsonAsync("/api/v1/auth/login", new LoginRequest(name, "admin", chosen));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Changing_a_password_ends_every_other_session_and_api_token_of_the_user()
    {
        var tenant = await center.CreateTenantAsync(Unique("change"));
        var stolenSession = await center.LoginAsync(tenant.Name, "admin", tenant.AdminPassword);
        using var created = await center.Client(tenant.AdminToken).PostAsJsonAsync("/api/v1/tokens", new TokenRequest("ci", 30));
        var stolenToken = (await created.Content.ReadFromJsonAsync<TokenCreatedResponse>())!.Token;
        foreach (var token in new[] { stolenSession, stolenToken })
        {
            using var before = await center.Client(token).GetAsync("/api/v1/auth/me");
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var change = await center.Client(tenant.AdminToken).PostAsJsonAsync("/api/v1/auth/password",
            new ChangePasswordRequest(tenant.AdminPassword, "a-brand-new-password")))
        {
            Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        }
        foreach (var token in new[] { stolenSession, stolenToken })
        {
            using var after = await center.Client(token).GetAsync("/api/v1/auth/me");
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }
        using var own = await center.Client(tenant.AdminToken).GetAsync("/api/v1/auth/me");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task No_password_reaches_the_log_neither_a_wrong_one_nor_a_right_one_nor_a_new_one()
    {
        var tenant = await center.CreateTenantAsync(Unique("logs"));
        var wrong = "wrong-" + Guid.NewGuid().ToString("N");
        var fresh = "fresh-" + Guid.NewGuid().ToString("N");
        using (await center.Client().PostAsJsonAsync("/api/v1/auth/login", new LoginRequest(tenant.Name, "admin", wrong)))
        {
        }
        using (await center.Client().PostAsJsonAsync("/api/v1/auth/login", new LoginRequest(tenant.Name, "admin", tenant.AdminPassword)))
        {
        }
        using (await center.Client(tenant.AdminToken).PostAsJsonAsync("/api/v1/auth/password", new ChangePasswordRequest(tenant.AdminPassword, fresh)))
        {
        }
        Assert.NotEmpty(center.Logs.Lines);
        foreach (var secret in new[] { wrong, tenant.AdminPassword, fresh, CenterFixture<TDatabase>.AdminPassword })
        {
            Assert.DoesNotContain(center.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }
}

public sealed class SignInAdversarialTests_Sqlite(SignInFixture<SqliteTestDatabase> center) : SignInAdversarialTests<SqliteTestDatabase>(center);

public sealed class SignInAdversarialTests_Postgres(SignInFixture<PostgresTestDatabase> center) : SignInAdversarialTests<PostgresTestDatabase>(center);
