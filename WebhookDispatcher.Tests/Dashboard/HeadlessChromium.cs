using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace WebhookDispatcher.Tests.Dashboard;

/// <summary>
/// Debian's headless Chromium driven by its chromedriver, with the flags <see cref="BrowserFixture"/> uses, a
/// throwaway profile, and a clean-up that never throws. Needs <c>apt-get install -y chromium chromium-driver</c>.
/// </summary>
public sealed class HeadlessChromium : IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string ChromeDriverPath = "/usr/bin/chromedriver";

    private readonly ChromeDriverService _service;
    private readonly string _profile;

    private HeadlessChromium(ChromeDriverService service, ChromeDriver driver, string profile)
    {
        _service = service;
        Driver = driver;
        _profile = profile;
    }

    public ChromeDriver Driver { get; }

    public static HeadlessChromium Start(TimeSpan commandTimeout)
    {
        if (!File.Exists(ChromiumPath) || !File.Exists(ChromeDriverPath))
        {
            throw new InvalidOperationException(
                $"The browser tests need Chromium and its driver at {ChromiumPath} and {ChromeDriverPath}: apt-get install -y chromium chromium-driver");
        }
        var profile = Path.Combine(Path.GetTempPath(), $"dashboard-chromium-{Guid.NewGuid():N}");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriverPath)!, Path.GetFileName(ChromeDriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1440,900", $"--user-data-dir={profile}");
        try
        {
            return new HeadlessChromium(service, new ChromeDriver(service, options, commandTimeout), profile);
        }
        catch
        {
            // chromedriver may be up without a browser: stop it, or it outlives the test run.
            service.Dispose();
            TryDelete(profile);
            throw;
        }
    }

    /// <summary>Saves what the window shows as a PNG.</summary>
    public void Screenshot(string path) => ((ITakesScreenshot)Driver).GetScreenshot().SaveAsFile(path);

    public void Dispose()
    {
        try
        {
            Driver.Quit();
        }
        catch (WebDriverException)
        {
            // The browser is already gone; the service's disposal below stops chromedriver.
        }
        Driver.Dispose();
        _service.Dispose();
        TryDelete(_profile);
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
