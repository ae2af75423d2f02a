using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Identity;

/// <summary>Slows password guessing. Each account (tenant + user name, known or not) and each client address (an IPv6
/// address by its /64) may fail a few times freely; after that every further failure doubles a wait during which
/// sign-ins for that account or from that address are refused before any password is checked. A success clears the
/// account's and the address's count. The account wait is capped lower than the address wait, so a guesser cannot keep
/// an account locked from its address for long, while its own address stays shut. Password checks (PBKDF2, 600,000
/// iterations each) also run at most <see cref="SignInOptions.MaxConcurrentChecks"/> at a time; more wait briefly in a
/// bounded queue and the rest are refused as busy, so a flood of sign-ins cannot take every core.</summary>
/// <remarks>The counts live in this process: several center instances behind a load balancer each count on their own.</remarks>
public sealed class SignInThrottle : IDisposable
{
    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);
    private readonly SignInOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _checks;
    private int _waiting;

    public SignInThrottle(IOptions<SignInOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        _checks = new SemaphoreSlim(_options.MaxConcurrentChecks, _options.MaxConcurrentChecks);
    }

    /// <summary>How long sign-ins for <paramref name="account"/> from <paramref name="address"/> must still wait; zero when
    /// they may try now.</summary>
    public TimeSpan RetryAfter(string account, IPAddress? address)
    {
        var now = _time.GetUtcNow();
        var wait = TimeSpan.Zero;
        foreach (var key in Keys(account, address))
        {
            if (_failures.TryGetValue(key, out var failures))
            {
                lock (failures)
                {
                    var left = failures.BlockedUntil - now;
                    wait = left > wait ? left : wait;
                }
            }
        }
        return wait;
    }

    /// <summary>Counts a failed sign-in against the account and the address.</summary>
    public void RecordFailure(string account, IPAddress? address)
    {
        var now = _time.GetUtcNow();
        Prune(now);
        var (accountKey, addressKey) = (AccountKey(account), AddressKey(address));
        Fail(accountKey, _options.FreeAccountFailures, _options.MaxAccountWait, now);
        if (addressKey is not null)
        {
            Fail(addressKey, _options.FreeAddressFailures, _options.MaxAddressWait, now);
        }
    }

    /// <summary>A successful sign-in: the account and the address start afresh.</summary>
    public void RecordSuccess(string account, IPAddress? address)
    {
        foreach (var key in Keys(account, address))
        {
            _failures.TryRemove(key, out _);
        }
    }

    /// <summary>A slot for one password check, or null when too many run and wait already (the caller answers busy).</summary>
    public async Task<IDisposable?> EnterCheckAsync(CancellationToken cancellationToken)
    {
        if (_checks.Wait(0, CancellationToken.None))
        {
            return new Slot(_checks);
        }
        if (Interlocked.Increment(ref _waiting) > _options.MaxQueuedChecks)
        {
            Interlocked.Decrement(ref _waiting);
            return null;
        }
        try
        {
            return await _checks.WaitAsync(_options.CheckQueueTimeout, cancellationToken) ? new Slot(_checks) : null;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    public void Dispose() => _checks.Dispose();

    /// <summary>The key of an account: the tenant's name (empty for provider users) and the user name.</summary>
    public static string AccountKey(string? tenant, string userName) => $"{tenant}\n{userName}";

    private static string AccountKey(string account) => "a:" + account;

    private static string? AddressKey(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            // One host usually holds a whole /64: count the prefix, not each of its addresses.
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            address = new IPAddress(bytes);
        }
        return "n:" + address;
    }

    private static IEnumerable<string> Keys(string account, IPAddress? address)
    {
        yield return AccountKey(account);
        if (AddressKey(address) is { } key)
        {
            yield return key;
        }
    }

    private void Fail(string key, int free, TimeSpan max, DateTimeOffset now)
    {
        var failures = _failures.GetOrAdd(key, _ => new Failures());
        lock (failures)
        {
            failures.Count++;
            failures.LastFailure = now;
            var over = failures.Count - free;
            if (over > 0)
            {
                var wait = TimeSpan.FromTicks(Math.Min(max.Ticks, _options.FirstWait.Ticks * (1L << Math.Min(over - 1, 30))));
                failures.BlockedUntil = now + wait;
            }
        }
    }

    /// <summary>Forgets counts that have been quiet for a day, once the table is large: its size stays bounded by the
    /// failures of one day.</summary>
    private void Prune(DateTimeOffset now)
    {
        if (_failures.Count < _options.PruneAbove)
        {
            return;
        }
        foreach (var (key, failures) in _failures)
        {
            lock (failures)
            {
                if (now - failures.LastFailure > TimeSpan.FromDays(1) && failures.BlockedUntil < now)
                {
                    _failures.TryRemove(key, out _);
                }
            }
        }
    }

    private sealed class Failures
    {
        public int Count;
        public DateTimeOffset LastFailure;
        public DateTimeOffset BlockedUntil;
    }

    private sealed class Slot(SemaphoreSlim checks) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                checks.Release();
            }
        }
    }
}

/// <summary>Section <c>Center:SignIn</c>: how password guessing is slowed.</summary>
public sealed record SignInOptions
{
    public const string Section = "Center:SignIn";

    /// <summary>Failed sign-ins an account may have before it must wait. Default 5.</summary>
    public int FreeAccountFailures { get; init; } = 5;

    /// <summary>Failed sign-ins an address may have before it must wait. Default 10.</summary>
    public int FreeAddressFailures { get; init; } = 10;

    /// <summary>The first wait; each further failure doubles it. Default 1 s.</summary>
    public TimeSpan FirstWait { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest an account waits (kept short: anyone can make an account wait). Default 15 minutes.</summary>
    public TimeSpan MaxAccountWait { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest an address waits. Default 1 hour.</summary>
    public TimeSpan MaxAddressWait { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Password checks running at once. Default: the number of processors.</summary>
    public int MaxConcurrentChecks { get; init; } = Environment.ProcessorCount;

    /// <summary>Sign-ins that may wait for a check slot; more are refused as busy. Default 64.</summary>
    public int MaxQueuedChecks { get; init; } = 64;

    /// <summary>How long a sign-in waits for a check slot. Default 10 s.</summary>
    public TimeSpan CheckQueueTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Size of the failure table above which day-old entries are dropped. Default 10,000.</summary>
    public int PruneAbove { get; init; } = 10_000;
}

/// <summary>Reports every <see cref="SignInOptions"/> error at once.</summary>
public sealed class SignInOptionsValidator : IValidateOptions<SignInOptions>
{
    public ValidateOptionsResult Validate(string? name, SignInOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.FreeAccountFailures < 1 || options.FreeAddressFailures < 1)
        {
            errors.Add("Center:SignIn:FreeAccountFailures and FreeAddressFailures must be at least 1.");
        }
        if (options.FirstWait <= TimeSpan.Zero || options.MaxAccountWait < options.FirstWait || options.MaxAddressWait < options.FirstWait)
        {
            errors.Add("Center:SignIn:FirstWait must be positive and at most MaxAccountWait and MaxAddressWait.");
        }
        if (options.MaxConcurrentChecks < 1 || options.MaxQueuedChecks < 0)
        {
            errors.Add("Center:SignIn:MaxConcurrentChecks must be at least 1 and MaxQueuedChecks at least 0.");
        }
        if (options.CheckQueueTimeout < TimeSpan.Zero || options.PruneAbove < 1)
        {
            errors.Add("Center:SignIn:CheckQueueTimeout must not be negative and PruneAbove must be at least 1.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
