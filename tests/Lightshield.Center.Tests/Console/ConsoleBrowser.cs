using Microsoft.Playwright;

namespace Lightshield.Center.Tests.Console;

/// <summary>One headless Debian <c>chromium</c> for a test class, driven by Playwright's bundled driver (no browser is
/// downloaded: test.sh installs the <c>chromium</c> package).</summary>
public sealed class ConsoleBrowser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>How long an action or an expectation waits for the page. The pages wait on real work (password and key
    /// derivations of 600,000 rounds, database writes), which takes seconds when the machine is busy with other tests;
    /// Playwright's 5 s default for expectations made the tests depend on the machine's speed.</summary>
    public const float PageTimeoutMilliseconds = 30_000;

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install Debian's chromium (test.sh does).");
        Assertions.SetDefaultExpectTimeout(PageTimeoutMilliseconds);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Root in a container has no user namespaces for chromium's sandbox.
            Args = ["--no-sandbox"],
        });
    }

    /// <summary>A fresh browser context (own cookies) with one page on <paramref name="console"/>.</summary>
    public async Task<ConsolePage> OpenAsync(Uri console, bool acceptSelfSignedCertificate = false)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            IgnoreHTTPSErrors = acceptSelfSignedCertificate,
            BaseURL = console.ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 860 },
        });
        context.SetDefaultTimeout(PageTimeoutMilliseconds);
        return new ConsolePage(context, await context.NewPageAsync());
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}
