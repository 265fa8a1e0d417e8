using static Microsoft.Playwright.Assertions;

namespace WebhookDispatcher.Tests.Browser;

/// <summary>
/// The operator console in a browser, against the running system: what on-call looks at (recent events, an event's
/// attempts) and what they do (retry a dead delivery once the merchant has fixed their endpoint).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OperatorConsoleTests(ChromiumFixture chromium, BrowserAppFixture app)
{
    [Fact]
    public async Task ARecentEvent_IsListed_AndItsPageShowsTheDeliveredAttempt()
    {
        var id = await app.PostEventAsync(new { merchantId = "merchant_123", amount = 4999, currency = "INR", transactionId = "txn_001" });
        await app.WaitForStatusAsync(id, "delivered");

        await using var session = await BrowserSession.OpenAsync(chromium);
        var page = session.Page;
        await session.GotoAsync(new Uri(app.ConsoleUrl, "/deliveries"));
        var row = page.Locator($"[data-testid=event-row][data-event-id='{id}']");
        await Expect(row).ToHaveAttributeAsync("data-status", "delivered");
        await Expect(row).ToContainTextAsync("merchant_123");
        await Expect(row).ToContainTextAsync("payment.succeeded");
        await session.ShotAsync("deliveries");

        await row.Locator("[data-testid=event-link]").ClickAsync();
        var delivery = page.Locator("[data-testid=delivery]");
        await Expect(delivery).ToHaveAttributeAsync("data-status", "delivered");
        await Expect(delivery.Locator("[data-testid=attempt-timeline] [data-testid=attempt]")).ToHaveCountAsync(1);
        await Expect(delivery.Locator("[data-testid=attempt][data-attempt='1']")).ToHaveAttributeAsync("data-status-code", "200");
        await Expect(page.Locator("[data-testid=event-payload]")).ToContainTextAsync("txn_001");
        await session.ShotAsync("event");
    }

    [Fact]
    public async Task ADeadDelivery_RetriedFromTheDeliveriesPage_EndsDelivered()
    {
        const string merchant = "merchant_console_retry";
        var endpointId = await app.RegisterTrustedEndpointAsync(merchant, new Uri(app.ReceiverUrl, "respond/500"));
        var id = await app.PostEventAsync(new { merchantId = merchant, amount = 4999, currency = "INR", transactionId = "txn_retry" });
        await app.WaitForStatusAsync(id, "dead");
        long deliveryId;
        using (var dead = await app.GetEventAsync(id))
        {
            deliveryId = dead.RootElement.GetProperty("deliveries")[0].GetProperty("id").GetInt64();
        }

        // The merchant fixes their endpoint; on-call retries from the console.
        await app.FixEndpointAsync(merchant, endpointId);
        await using var session = await BrowserSession.OpenAsync(chromium);
        var page = session.Page;
        await session.GotoAsync(new Uri(app.ConsoleUrl, "/deliveries"));
        var deadRow = page.Locator($"[data-testid=dead-row][data-delivery-id='{deliveryId}']");
        await Expect(deadRow).ToContainTextAsync("HTTP 500");
        await Expect(page.Locator($"[data-testid=endpoint-health-row][data-endpoint-id='{endpointId}']")).ToContainTextAsync($"webhook/{merchant}");
        await session.ShotAsync("dead");

        await deadRow.Locator("[data-testid=retry-delivery]").ClickAsync();
        await Expect(page.Locator("[data-testid=retry-message]")).ToContainTextAsync($"Delivery {deliveryId} is pending again");
        await session.ShotAsync("retried");

        await session.GotoAsync(new Uri(app.ConsoleUrl, $"/deliveries/events/{id}"));
        var delivery = page.Locator($"[data-testid=delivery][data-delivery-id='{deliveryId}']");
        // The page refreshes itself: it shows the delivery delivered once the Worker has sent it again.
        await Expect(delivery).ToHaveAttributeAsync("data-status", "delivered");
        var attempts = delivery.Locator("[data-testid=attempt-timeline] [data-testid=attempt]");
        await Expect(attempts).ToHaveCountAsync(3);
        await Expect(attempts.Nth(0)).ToHaveAttributeAsync("data-status-code", "500");
        await Expect(attempts.Nth(1)).ToHaveAttributeAsync("data-status-code", "500");
        await Expect(attempts.Nth(2)).ToHaveAttributeAsync("data-status-code", "200");
        await session.ShotAsync("delivered");
        await app.WaitForStatusAsync(id, "delivered");
    }
}
