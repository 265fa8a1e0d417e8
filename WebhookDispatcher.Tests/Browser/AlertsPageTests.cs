using static Microsoft.Playwright.Assertions;

namespace WebhookDispatcher.Tests.Browser;

/// <summary>
/// The console's alert history: a delivery to a failing endpoint going dead raises an alert (stored even with no Slack
/// or PagerDuty configured), which on-call finds among the firing ones.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AlertsPageTests(ChromiumFixture chromium, BrowserAppFixture app)
{
    [Fact]
    public async Task AnEndpointWhoseDeliveryWentDead_IsListedAsAFiringAlert()
    {
        const string merchant = "merchant_console_alerts";
        var endpointId = await app.RegisterTrustedEndpointAsync(merchant, new Uri(app.ReceiverUrl, "respond/500"));
        var id = await app.PostEventAsync(new { merchantId = merchant, amount = 100, currency = "INR", transactionId = "txn_alerts_1" });
        await app.WaitForStatusAsync(id, "dead");

        await using var session = await BrowserSession.OpenAsync(chromium);
        var page = session.Page;
        await session.GotoAsync(new Uri(app.ConsoleUrl, "/alerts"));
        var alert = page.Locator($"[data-testid=alert-row][data-endpoint-id='{endpointId}']");
        await Expect(alert).ToHaveAttributeAsync("data-state", "firing");
        await Expect(alert).ToContainTextAsync(merchant);
        await Expect(alert.Locator("[data-testid=alert-kind]", new() { HasText = "dead" })).ToHaveCountAsync(1);
        await Expect(alert.Locator("[data-testid=no-notifications]")).ToBeVisibleAsync();
        await session.ShotAsync("alerts");

        await page.Locator("[data-testid=alerts-state]").SelectOptionAsync("resolved");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("state=resolved"));
        await Expect(alert).ToHaveCountAsync(0);
        await page.Locator("[data-testid=alerts-state]").SelectOptionAsync("firing");
        await Expect(alert).ToHaveAttributeAsync("data-state", "firing");
    }
}
