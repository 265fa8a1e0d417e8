using static Microsoft.Playwright.Assertions;

namespace WebhookDispatcher.Tests.Browser;

/// <summary>
/// The console's bulk recovery: once a merchant has fixed their endpoint, on-call retries every dead delivery to it
/// at once, after being told how many that is.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RecoveryPageTests(ChromiumFixture chromium, BrowserAppFixture app)
{
    [Fact]
    public async Task DeadDeliveriesToAFixedEndpoint_AreCountedThenRetried_AndEndDelivered()
    {
        const string merchant = "merchant_console_bulk";
        var endpointId = await app.RegisterTrustedEndpointAsync(merchant, new Uri(app.ReceiverUrl, "respond/500"));
        Guid[] events =
        [
            await app.PostEventAsync(new { merchantId = merchant, amount = 100, currency = "INR", transactionId = "txn_bulk_1" }),
            await app.PostEventAsync(new { merchantId = merchant, amount = 200, currency = "INR", transactionId = "txn_bulk_2" }),
        ];
        foreach (var id in events)
        {
            await app.WaitForStatusAsync(id, "dead");
        }
        await app.FixEndpointAsync(merchant, endpointId);

        // From the endpoint's row, to the recovery form with its filter filled in.
        await using var session = await BrowserSession.OpenAsync(chromium);
        var page = session.Page;
        await session.GotoAsync(new Uri(app.ConsoleUrl, "/endpoints"));
        var row = page.Locator($"[data-testid=endpoint-row][data-endpoint-id='{endpointId}']");
        await Expect(row.Locator("[data-testid=dead-count]")).ToHaveTextAsync("2");
        await row.Locator("[data-testid=retry-dead-link]").ClickAsync();
        await Expect(page.Locator("[data-testid=filter-merchantId]")).ToHaveValueAsync(merchant);
        await Expect(page.Locator("[data-testid=filter-endpointId]")).ToHaveValueAsync(endpointId.ToString());

        // A time the Api can't read: its message under the field, and nothing to confirm.
        await page.Locator("[data-testid=filter-since]").FillAsync("yesterday");
        await page.Locator("[data-testid=bulk-retry-count]").ClickAsync();
        await Expect(page.Locator("[data-testid=field-error-since]")).ToContainTextAsync("'yesterday' is not an ISO 8601 time");
        await Expect(page.Locator("[data-testid=bulk-retry-confirm]")).ToHaveCountAsync(0);
        await session.ShotAsync("refused");

        await page.Locator("[data-testid=filter-since]").FillAsync("");
        await page.Locator("[data-testid=bulk-retry-count]").ClickAsync();
        var confirm = page.Locator("[data-testid=bulk-retry-confirm]");
        await Expect(confirm).ToHaveAttributeAsync("data-matching", "2");
        await Expect(confirm).ToContainTextAsync("Retry 2 dead deliveries?");
        await Expect(page.Locator("[data-testid=field-error-since]")).ToHaveCountAsync(0);
        await session.ShotAsync("confirm");

        await confirm.Locator("[data-testid=bulk-retry-confirm-button]").ClickAsync();
        await Expect(page.Locator("[data-testid=bulk-retry-message]")).ToContainTextAsync("Retried 2 dead deliveries");
        await session.ShotAsync("retried");
        foreach (var id in events)
        {
            await app.WaitForStatusAsync(id, "delivered");
        }
    }
}
