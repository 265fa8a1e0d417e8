using Microsoft.Playwright;

namespace WebhookDispatcher.Tests.Browser;

/// <summary>
/// One headless Chromium for all the browser tests: Debian's own build, never one Playwright downloads (this machine
/// has no network to download from, and its Chromium is kept current by apt). Each test opens its own context on it.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>How long a wait in the page may take: the machine is small and shared, and Blazor pages appear only once their circuit connects.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    // Running as root needs --no-sandbox; the rest stop Chromium calling home (the network is closed, and the calls
    // would only time out) and keep it from using a GPU the machine does not have.
    private static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the tests' screenshots go: test-output/browser under the test assembly's directory, emptied per run.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "test-output", "browser");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"No Chromium at {ExecutablePath}: install it with `apt-get install -y chromium`.");
        }
        if (Directory.Exists(ScreenshotDirectory))
        {
            Directory.Delete(ScreenshotDirectory, recursive: true);
        }
        Directory.CreateDirectory(ScreenshotDirectory);
        Assertions.SetDefaultExpectTimeout((float)Patience.TotalMilliseconds);

        _playwright = await Playwright.CreateAsync();
        try
        {
            Browser = await _playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = Arguments,
                Timeout = (float)Patience.TotalMilliseconds,
            });
        }
        catch
        {
            // No browser, no fixture: the Playwright driver (a node process) goes now rather than with the test host.
            _playwright.Dispose();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
    }
}
