using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace WebhookDispatcher.Tests.Browser;

/// <summary>
/// The console's Endpoints page against the running system: on-call sees a failing endpoint's circuit and failure
/// streak, caps what the engine sends a merchant, and disables an endpoint and enables it again without losing a delivery.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EndpointsPageTests(ChromiumFixture chromium, BrowserAppFixture app)
{
    [Fact]
    public async Task AFailingEndpoint_ShowsItsCircuit_AndItsRateLimitAndEnabledFlag_AreChangedFromItsRow()
    {
        const string merchant = "merchant_console_endpoints";
        var endpointId = await app.RegisterTrustedEndpointAsync(merchant, new Uri(app.ReceiverUrl, "respond/500"));
        var failed = await app.PostEventAsync(new { merchantId = merchant, amount = 100, currency = "INR", transactionId = "txn_endpoints_1" });
        await app.WaitForStatusAsync(failed, "dead");

        await using var session = await BrowserSession.OpenAsync(chromium);
        var page = session.Page;
        await session.GotoAsync(new Uri(app.ConsoleUrl, "/endpoints"));
        var row = page.Locator($"[data-testid=endpoint-row][data-endpoint-id='{endpointId}']");
        await Expect(row).ToContainTextAsync("respond/500");
        await Expect(row.Locator("[data-testid=circuit-badge]")).ToHaveTextAsync("closed");
        await Expect(row.Locator("[data-testid=failure-streak]")).ToContainTextAsync("2 failures in a row");
        await Expect(row.Locator("[data-testid=dead-count]")).ToHaveTextAsync("1");
        await Expect(row.Locator("[data-testid=rate-limit]")).ToHaveTextAsync("none");
        await session.ShotAsync("endpoints");

        // A limit out of range: the Api's words under the input, and nothing saved.
        await row.Locator("[data-testid=rate-limit-edit]").ClickAsync();
        await row.Locator("[data-testid=rate-limit-input]").FillAsync("0");
        await row.Locator("[data-testid=rate-limit-save]").ClickAsync();
        await Expect(row.Locator("[data-testid=rate-limit-error]")).ToContainTextAsync("'rateLimitPerSecond' must be a whole number of requests per second from 1 to");
        await session.ShotAsync("rate-limit-refused");
        Assert.Null(await RateLimitAsync(merchant, endpointId));

        await row.Locator("[data-testid=rate-limit-input]").FillAsync("25");
        await row.Locator("[data-testid=rate-limit-save]").ClickAsync();
        await Expect(row.Locator("[data-testid=rate-limit]")).ToHaveTextAsync("25/s");
        await Expect(page.Locator("[data-testid=endpoint-action-message]")).ToContainTextAsync("limited to 25 requests a second");
        Assert.Equal(25, await RateLimitAsync(merchant, endpointId));

        // Disabled, a new event is held rather than sent; enabled again, it goes.
        await row.Locator("[data-testid=endpoint-disable]").ClickAsync();
        await Expect(row).ToHaveAttributeAsync("data-enabled", "false");
        await Expect(row.Locator("[data-testid=disabled-reason]")).ToHaveTextAsync("disabled by user");
        await Expect(page.Locator("[data-testid=endpoint-action-message]")).ToContainTextAsync("is disabled");
        await app.FixEndpointAsync(merchant, endpointId);
        var held = await app.PostEventAsync(new { merchantId = merchant, amount = 200, currency = "INR", transactionId = "txn_endpoints_2" });
        await Expect(row.Locator("[data-testid=held-count]")).ToHaveTextAsync("1");
        await session.ShotAsync("disabled");

        await row.Locator("[data-testid=endpoint-enable]").ClickAsync();
        await Expect(page.Locator("[data-testid=endpoint-action-message]")).ToContainTextAsync("its 1 held delivery is due now");
        await Expect(row).ToHaveAttributeAsync("data-enabled", "true");
        await app.WaitForStatusAsync(held, "delivered");
        await Expect(row.Locator("[data-testid=held-count]")).ToHaveTextAsync("0");
        await session.ShotAsync("enabled");
    }

    private async Task<int?> RateLimitAsync(string merchant, Guid endpointId)
    {
        using var endpoint = await app.GetEndpointAsync(merchant, endpointId);
        var rate = endpoint.RootElement.GetProperty("rateLimitPerSecond");
        return rate.ValueKind == JsonValueKind.Null ? null : rate.GetInt32();
    }
}
