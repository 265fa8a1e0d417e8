using OpenQA.Selenium;

namespace WebhookDispatcher.Tests.Dashboard;

/// <summary>Waiting on a live page: Blazor renders after its circuit connects, and re-renders when data arrives.</summary>
public static class BrowserExtensions
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public static IReadOnlyList<IWebElement> WaitForAll(this IWebDriver driver, string css, int atLeast = 1, TimeSpan? timeout = null)
    {
        IReadOnlyList<IWebElement> found = [];
        WaitUntil(() => (found = driver.FindElements(By.CssSelector(css))).Count >= atLeast, timeout, () => $"at least {atLeast} '{css}' (found {found.Count})");
        return found;
    }

    public static IWebElement WaitFor(this IWebDriver driver, string css, TimeSpan? timeout = null) => driver.WaitForAll(css, 1, timeout)[0];

    public static void WaitUntil(Func<bool> condition, TimeSpan? timeout = null, Func<string>? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            try
            {
                if (condition())
                {
                    return;
                }
            }
            catch (StaleElementReferenceException)
            {
                // The element was re-rendered between finding and reading it: look again.
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what?.Invoke() ?? "a condition"}.");
            }
            Thread.Sleep(100);
        }
    }

    public static string TestId(string id) => $"[data-testid='{id}']";
}
