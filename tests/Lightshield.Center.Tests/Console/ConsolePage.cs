using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Lightshield.Center.Tests.Console;

/// <summary>A signed-in (or not yet) browser tab on the console, with the steps the tests repeat.</summary>
public sealed class ConsolePage : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly IBrowserContext _context;
    private readonly Lock _lock = new();
    private readonly List<string> _browserErrors = [];

    public ConsolePage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        // What the browser reported (Blazor logs a failed circuit or a lost connection here), for failure messages.
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                Remember($"{message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => Remember("page error: " + error);
    }

    public IPage Page { get; }

    /// <summary>Signs in through the form; <paramref name="tenant"/> null for provider staff.</summary>
    public async Task SignInAsync(string? tenant, string userName, string password)
    {
        await SubmitSignInAsync(tenant, userName, password);
        await Page.WaitForSelectorAsync("#signed-in-as");
    }

    private async Task SubmitSignInAsync(string? tenant, string userName, string password)
    {
        await Page.GotoAsync("login");
        if (tenant is not null)
        {
            await Page.FillAsync("#tenant", tenant);
        }
        await Page.FillAsync("#user", userName);
        await Page.FillAsync("#password", password);
        await Page.ClickAsync("#sign-in");
    }

    /// <summary>A first sign-in with a password someone else chose: the form asks for a new one (and the current one again).</summary>
    public async Task SignInReplacingPasswordAsync(string? tenant, string userName, string password, string newPassword)
    {
        await SubmitSignInAsync(tenant, userName, password);
        await Page.WaitForSelectorAsync("#new-password", new() { Timeout = 30_000 });
        await Page.FillAsync("#password", password);
        await Page.FillAsync("#new-password", newPassword);
        await Page.FillAsync("#new-password-again", newPassword);
        await Page.ClickAsync("#sign-in");
        await Page.WaitForSelectorAsync("#signed-in-as", new() { Timeout = 30_000 });
    }

    /// <summary>Opens <paramref name="path"/> and waits for the interactive page to show <paramref name="selector"/>.</summary>
    public async Task<ILocator> OpenAsync(string path, string selector)
    {
        await Page.GotoAsync(path);
        var found = Page.Locator(selector).First;
        await found.WaitForAsync();
        return found;
    }

    /// <summary>Reloads <paramref name="path"/> until <paramref name="selector"/> shows (data the agent has not sent yet).</summary>
    public async Task<ILocator> OpenUntilAsync(string path, string selector, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            await Page.GotoAsync(path);
            await Page.Locator("table").First.WaitForAsync();
            var found = Page.Locator(selector);
            try
            {
                await found.First.WaitForAsync(new LocatorWaitForOptions { Timeout = 2_000 });
                return found.First;
            }
            catch (TimeoutException)
            {
                Assert.True(DateTime.UtcNow < deadline, $"still not the case after {Patience.TotalSeconds} s: {what}");
            }
        }
    }

    /// <summary>Waits until the page went to a URL matching <paramref name="url"/> (the console navigates after an
    /// action); when it does not, fails with what the page shows instead: its alerts, a lost connection, the browser's
    /// errors. The URL is polled rather than awaited as a navigation: the console's navigations are in-page (history
    /// API), and waiting for a navigation's load event missed one on a loaded CI machine while the URL had already
    /// changed.</summary>
    public async Task WaitForUrlAsync(Regex url, string what)
    {
        try
        {
            await Assertions.Expect(Page).ToHaveURLAsync(url, new PageAssertionsToHaveURLOptions { Timeout = (float)Patience.TotalMilliseconds });
        }
        catch (PlaywrightException e)
        {
            var alerts = await Page.Locator(".mud-alert").AllInnerTextsAsync();
            var reconnecting = await Page.Locator("#components-reconnect-modal").IsVisibleAsync();
            List<string> errors;
            lock (_lock)
            {
                errors = [.. _browserErrors];
            }
            Assert.Fail($"{what}: {e.Message}\nstill at {Page.Url}; alerts: [{string.Join(" | ", alerts)}]; " +
                $"reconnect dialog shown: {reconnecting}; browser errors: [{string.Join(" | ", errors)}]");
        }
    }

    /// <summary>Writes a screenshot of the page to <c>NAME.png</c> in <see cref="Screenshots.Directory"/>.</summary>
    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots.Directory, name + ".png"), FullPage = false });

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();

    private void Remember(string line)
    {
        lock (_lock)
        {
            _browserErrors.Add(line);
            if (_browserErrors.Count > 50)
            {
                _browserErrors.RemoveAt(0);
            }
        }
    }
}
