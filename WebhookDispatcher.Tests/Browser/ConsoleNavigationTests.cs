using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace WebhookDispatcher.Tests.Browser;

/// <summary>
/// Finding one's way in the console: an event opened by its id, the recent events paged past the first 50, every
/// time labelled with its zone, attempts naming their Worker, and the header and the default target in an operator's words.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ConsoleNavigationTests(ChromiumFixture chromium, BrowserAppFixture app)
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$")]
    private static partial Regex UtcDateTime();

    [Fact]
    public async Task AnEventIdTypedInTheSearch_OpensItsPage_WithUtcTimesAndTheWorkerNamed()
    {
        var id = await app.PostEventAsync(new { merchantId = "merchant_search", amount = 120, currency = "INR", transactionId = "txn_search" });
        await app.WaitForStatusAsync(id, "delivered");

        await using var session = await BrowserSession.OpenAsync(chromium);
        var page = session.Page;
        await session.GotoAsync(new Uri(app.ConsoleUrl, "/deliveries"));
        await Expect(page.Locator("[data-testid=api-address]")).ToContainTextAsync("Connected to the Api at");
        await Expect(page.Locator("[data-testid=api-address]")).Not.ToContainTextAsync("https+http");
        await Expect(page.Locator("[data-testid=event-row]").First.Locator("td").First).ToHaveTextAsync(UtcDateTime());

        await page.Locator("[data-testid=event-search-id]").FillAsync("not-an-id");
        await page.Locator("[data-testid=event-search-go]").ClickAsync();
        await Expect(page.Locator("[data-testid=retry-message]")).ToContainTextAsync("is not an event id");

        await page.Locator("[data-testid=event-search-id]").FillAsync(id.ToString());
        await page.Locator("[data-testid=event-search-go]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/deliveries/events/{id}$"));
        await Expect(page.Locator("[data-testid=delivery]")).ToHaveAttributeAsync("data-status", "delivered");
        await Expect(page.Locator("[data-testid=attempt-worker]").First).ToContainTextAsync("Worker ");
        await Expect(page.Locator("[data-testid=attempt]").First).ToContainTextAsync(" UTC");
        // No endpoint: the delivery went to the default target, shown by its URL.
        await Expect(page.Locator("[data-testid=delivery]").First).ToContainTextAsync("/webhook (default target)");
        await session.ShotAsync("event-by-id");
    }

    [Fact]
    public async Task MoreThanFiftyEvents_ArePagedThrough_OlderAndNewer()
    {
        var batch = Enumerable.Range(0, 60).Select(i => new { merchantId = "merchant_paging", type = "paging.test", data = new { i } }).ToArray();
        using var response = await app.Api.PostAsJsonAsync("/events/batch", new { events = batch });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var accepted = await response.Content.ReadFromJsonAsync<JsonDocument>();
        var ids = accepted!.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()).ToList();

        await using var session = await BrowserSession.OpenAsync(chromium);
        var page = session.Page;
        await session.GotoAsync(new Uri(app.ConsoleUrl, "/deliveries"));
        await Expect(page.Locator("[data-testid=event-row]")).ToHaveCountAsync(50);
        await Expect(page.Locator("[data-testid=events-newer]")).ToBeDisabledAsync();
        var firstPage = await RowIdsAsync(page);

        await page.Locator("[data-testid=events-older]").ClickAsync();
        await Expect(page.Locator("[data-testid=events-page]")).ToHaveTextAsync("Page 2");
        await Expect(page).ToHaveURLAsync(new Regex("page=2"));
        var secondPage = await RowIdsAsync(page);
        // The batch is the newest 60 events: the first page shows 50 of them, the second the other 10 and then older ones.
        var batchIds = ids.Select(i => i.ToString()).ToHashSet();
        Assert.Subset(batchIds, firstPage.ToHashSet());
        Assert.Empty(firstPage.Intersect(secondPage));
        Assert.Subset(secondPage.ToHashSet(), batchIds.Except(firstPage).ToHashSet());
        await session.ShotAsync("page-2");

        await page.Locator("[data-testid=events-newer]").ClickAsync();
        await Expect(page.Locator("[data-testid=events-page]")).ToHaveTextAsync("Page 1");
        await Expect(page.Locator("[data-testid=event-row]")).ToHaveCountAsync(50);
    }

    private static Task<string[]> RowIdsAsync(Microsoft.Playwright.IPage page) =>
        page.Locator("[data-testid=event-row]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.eventId)");
}
