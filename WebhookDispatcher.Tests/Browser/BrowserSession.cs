using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace WebhookDispatcher.Tests.Browser;

/// <summary>
/// One test's page, in a browser context of its own (its own cookies), with every page it shows kept as a numbered
/// screenshot under test-output/browser: a failed test leaves behind what it was looking at.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly string _test;
    private int _shots;

    private BrowserSession(IBrowserContext context, IPage page, string test)
    {
        _context = context;
        Page = page;
        _test = test;
    }

    public IPage Page { get; }

    public static async Task<BrowserSession> OpenAsync(ChromiumFixture chromium, [CallerFilePath] string file = "", [CallerMemberName] string test = "")
    {
        // Wide enough that the dashboard shows its grids' columns rather than its narrow layout.
        var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
        context.SetDefaultTimeout((float)ChromiumFixture.Patience.TotalMilliseconds);
        context.SetDefaultNavigationTimeout((float)ChromiumFixture.Patience.TotalMilliseconds);
        return new BrowserSession(context, await context.NewPageAsync(), $"{Path.GetFileNameWithoutExtension(file)}.{test}");
    }

    public async Task GotoAsync(Uri url) => await Page.GotoAsync(url.ToString());

    /// <summary>Saves what the page shows now, as {test}-{n}-{name}.png.</summary>
    public async Task ShotAsync(string name)
    {
        _shots++;
        var path = Path.Combine(ChromiumFixture.ScreenshotDirectory, $"{_test}-{_shots:00}-{name}.png");
        await Page.ScreenshotAsync(new() { Path = path, FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Whatever the test was looking at when it ended, passed or failed.
            await ShotAsync("last");
        }
        catch (PlaywrightException)
        {
            // A page that crashed leaves no picture; closing the context still matters more.
        }
        finally
        {
            await _context.CloseAsync();
        }
    }
}
