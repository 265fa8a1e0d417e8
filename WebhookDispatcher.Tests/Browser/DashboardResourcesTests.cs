using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace WebhookDispatcher.Tests.Browser;

/// <summary>The real Aspire dashboard's Resources page: every resource of the model healthy, and our commands working from it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardResourcesTests(ChromiumFixture chromium, BrowserAppFixture app)
{
    /// <summary>Every resource the AppHost models (the database under its server), as the dashboard names them.</summary>
    private static readonly string[] Resources = ["postgres", "webhooks", "redis", "api", "worker", "mockreceiver", "console"];

    [Fact]
    public async Task EveryResource_ShowsRunningAndHealthy()
    {
        await using var session = await BrowserSession.OpenAsync(chromium);
        var page = session.Page;
        await AspireDashboard.LogInAsync(session, app);

        foreach (var resource in Resources)
        {
            var row = AspireDashboard.ResourceRow(page, resource);
            await Expect(AspireDashboard.StateText(row)).ToHaveTextAsync("Running");
            await Expect(AspireDashboard.StateIcon(row)).ToHaveAttributeAsync("style", new Regex(@"var\(--success\)"));
        }
        await session.ShotAsync("resources");

        // The details pane spells the health out.
        foreach (var resource in Resources)
        {
            await page.Locator($".resource-name-text:text-is('{resource}')").ClickAsync();
            await Expect(page.Locator("h2.details-header-title")).ToHaveTextAsync(new Regex($": {resource}$"));
            await Expect(AspireDashboard.DetailsValue(page, "State")).ToHaveTextAsync("Running");
            await Expect(AspireDashboard.DetailsValue(page, "Health state")).ToHaveTextAsync("Healthy");
            await session.ShotAsync($"details-{resource}");
        }
    }

    [Fact]
    public async Task ResetStats_RunFromTheMockReceiversMenu_ClearsItsCounts()
    {
        var id = await app.PostEventAsync(new { merchantId = "merchant_123", amount = 4999, currency = "INR", transactionId = "txn_001" });
        await app.WaitForStatusAsync(id, "delivered");
        Assert.True(await ReceivedAsync() > 0, "the MockReceiver counted the delivery");

        await using var session = await BrowserSession.OpenAsync(chromium);
        await AspireDashboard.LogInAsync(session, app);
        await AspireDashboard.RunCommandAsync(session.Page, "mockreceiver", "Reset stats");
        await session.ShotAsync("reset-stats-succeeded");

        Assert.Equal(0, await ReceivedAsync());
    }

    private async Task<long> ReceivedAsync()
    {
        using var stats = await app.Receiver.GetFromJsonAsync<JsonDocument>("/stats");
        return stats!.RootElement.GetProperty("received").GetInt64();
    }
}
