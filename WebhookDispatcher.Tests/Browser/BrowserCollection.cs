namespace WebhookDispatcher.Tests.Browser;

/// <summary>
/// The browser tests share one Chromium and one running system with its dashboard, and run one at a time. They run
/// alone, after the other collections: a browser, the dashboard and the whole app on a small machine are load enough.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<ChromiumFixture>, ICollectionFixture<BrowserAppFixture>
{
    public const string Name = "Browser";
}
