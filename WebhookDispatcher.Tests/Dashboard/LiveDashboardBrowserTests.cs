using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenQA.Selenium;
using static WebhookDispatcher.Tests.Dashboard.BrowserExtensions;

namespace WebhookDispatcher.Tests.Dashboard;

/// <summary>
/// The dashboard in real headless Chromium against the running system (the AppHost's app model with its dashboard):
/// an event's trace waterfall spans the Api and the Worker, a dead delivery is retried from the page, and every page
/// shows what the live services report. Screenshots land in test-output/dashboard-live.
/// </summary>
[Collection(LiveDashboardCollection.Name)]
public sealed class LiveDashboardBrowserTests(LiveDashboardFixture fixture)
{
    private static readonly TimeSpan Patience = LiveDashboardFixture.Patience;

    /// <summary>ASP.NET Core names the span after the route template: MapGroup("/events") + MapPost("/").</summary>
    private const string IngestionSpan = "POST /events/";

    private IWebDriver Driver => fixture.Driver;

    [Fact]
    public async Task A_delivered_events_trace_waterfall_shows_the_api_and_the_worker_spans()
    {
        var eventId = await fixture.DeliveredEventAsync();

        Open($"/deliveries/events/{eventId}");
        WaitUntil(() => Driver.FindElements(By.CssSelector($"{TestId("delivery")}[data-status='delivered']")).Count == 1, Patience,
            () => "the event page to show its delivery delivered");
        var attempt = Driver.WaitFor(TestId("attempt"), Patience);
        Assert.Equal("200", attempt.GetAttribute("data-status-code"));
        Assert.Contains("txn_001", Driver.FindElement(By.CssSelector(TestId("event-payload"))).Text);
        fixture.Screenshot("06-event");

        Driver.WaitFor(TestId("event-trace-link"), Patience).Click();
        // Spans arrive a second or so after the fact (the services' export delay): the page fills in live.
        WaitUntil(() => Spans() is var s
                && s.Any(x => x is { Resource: "api", Name: IngestionSpan })
                && s.Any(x => x is { Resource: "worker", Name: "webhook deliver" })
                && s.Any(x => x is { Resource: "worker", Name: "POST" })
                && s.Any(x => x.Resource == "mockreceiver"),
            Patience, () => "the api's and the worker's spans in the waterfall; found: " + Describe(Spans()));
        fixture.Screenshot("07-trace-waterfall");

        // api: POST /events/ at the root; under it its INSERT and the worker's delivery; under that the HTTP POST,
        // and under that the receiver's own span (traceparent travels with the webhook).
        var spans = Spans();
        var ingestion = spans.Single(s => s is { Resource: "api", Name: IngestionSpan });
        Assert.Equal(0, ingestion.Depth);
        var deliver = spans.Single(s => s is { Resource: "worker", Name: "webhook deliver" });
        Assert.Equal(1, deliver.Depth);
        Assert.Contains("attempt 1", deliver.Text);
        var post = spans.Single(s => s is { Resource: "worker", Name: "POST" });
        Assert.Equal(deliver.Depth + 1, post.Depth);
        Assert.True(spans.IndexOf(post) > spans.IndexOf(deliver), "the POST is listed under the delivery: " + Describe(spans));
        Assert.False(post.HasError);
        Assert.Contains("→ 200", post.Text);
        var received = spans.Single(s => s.Resource == "mockreceiver");
        Assert.Equal(post.Depth + 1, received.Depth);
        Assert.StartsWith("POST /webhook", received.Name);
        var insert = spans.Single(s => s is { Resource: "api", Name: "postgresql" });
        Assert.Equal(1, insert.Depth);
        Assert.Contains("INSERT", insert.Text, StringComparison.OrdinalIgnoreCase);

        // The HTTP call's details: the receiver's URL and its 200.
        Driver.FindElement(By.CssSelector($"{TestId("span-row")}[data-span-id='{post.SpanId}']")).Click();
        var details = Driver.WaitFor(TestId("span-details"), Patience);
        Assert.Contains(fixture.App.GetEndpoint("mockreceiver").Authority, details.Text);
        Assert.Contains("200", details.Text);
        fixture.Screenshot("08-trace-span-details");
    }

    [Fact]
    public async Task A_dead_delivery_is_retried_from_the_deliveries_page_and_delivered()
    {
        var receiver = fixture.App.GetEndpoint("mockreceiver");
        var merchant = "merchant_dead_" + Guid.NewGuid().ToString("N")[..8];
        using var registered = await fixture.Api.PostAsJsonAsync($"/merchants/{merchant}/endpoints", new { url = new Uri(receiver, "/respond/500").ToString() });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        using var endpoint = await registered.Content.ReadFromJsonAsync<JsonDocument>();
        var endpointId = endpoint!.RootElement.GetProperty("id").GetGuid();
        var secret = endpoint.RootElement.GetProperty("secret").GetString();
        using (var trust = await fixture.Receiver.PostAsJsonAsync("/secrets", new { secret }))
        {
            trust.EnsureSuccessStatusCode();
        }

        var eventId = await fixture.PostEventAsync(new { merchantId = merchant, amount = 4999, currency = "INR", transactionId = "txn_dead" });
        await LiveDashboardFixture.EventuallyAsync(async () => await fixture.StatusOfAsync(eventId) == "dead", $"event {eventId} is dead");
        using var dead = await fixture.Api.GetFromJsonAsync<JsonDocument>($"/events/{eventId}");
        var deliveryId = dead!.RootElement.GetProperty("deliveries")[0].GetProperty("id").GetInt64();

        // The merchant fixes their endpoint, so the retry can succeed.
        using (var fix = await fixture.Api.PatchAsJsonAsync($"/merchants/{merchant}/endpoints/{endpointId}", new { url = new Uri(receiver, $"/webhook/{merchant}").ToString() }))
        {
            fix.EnsureSuccessStatusCode();
        }

        Open("/deliveries");
        var deadRow = $"{TestId("dead-row")}[data-delivery-id='{deliveryId}']";
        var row = Driver.WaitFor(deadRow, Patience);
        Assert.Contains("HTTP 500", row.Text);
        Assert.Contains("3", row.FindElement(By.CssSelector("td.num")).Text);
        fixture.Screenshot("09-deliveries-dead");

        row.FindElement(By.CssSelector(TestId("retry-delivery"))).Click();
        var message = Driver.WaitFor(TestId("retry-message"), Patience);
        Assert.Contains($"Delivery {deliveryId} is pending again", message.Text);
        WaitUntil(() => Driver.FindElements(By.CssSelector(deadRow)).Count == 0, Patience, () => "the retried delivery to leave the dead list");

        await LiveDashboardFixture.EventuallyAsync(async () => await fixture.StatusOfAsync(eventId) == "delivered", $"the retried event {eventId} is delivered");
        Open($"/deliveries/events/{eventId}");
        WaitUntil(() => Driver.FindElements(By.CssSelector($"{TestId("delivery")}[data-delivery-id='{deliveryId}'][data-status='delivered']")).Count == 1,
            Patience, () => "the event page to show the retried delivery delivered");
        var attempts = Driver.FindElements(By.CssSelector(TestId("attempt")));
        Assert.Equal(["500", "500", "500", "200"], attempts.Select(a => a.GetAttribute("data-status-code")));
        fixture.Screenshot("10-event-retried");
    }

    [Fact]
    public void Resources_page_shows_every_resource_running_and_healthy()
    {
        Open("/resources");
        string[] expected = ["api", "mockreceiver", "postgres", "redis", "worker"];
        WaitUntil(() => expected.All(name => Driver.FindElements(By.CssSelector(ResourceRow(name))) is [var row]
                && row.GetAttribute("data-state") == "Running"
                && row.FindElement(By.CssSelector(TestId("resource-health"))).Text.Contains("Healthy")),
            Patience, () => "every resource Running and Healthy: " + string.Join("; ",
                Driver.FindElements(By.CssSelector(TestId("resource-row"))).Select(r => $"{r.GetAttribute("data-resource")} {r.GetAttribute("data-state")} {r.Text.Replace('\n', ' ')}")));
        var api = Driver.FindElement(By.CssSelector(ResourceRow("api")));
        Assert.Equal(fixture.App.GetEndpoint("api").ToString(), api.FindElement(By.CssSelector(TestId("resource-endpoint"))).GetAttribute("href"));
        fixture.Screenshot("01-resources");
    }

    [Fact]
    public void Console_logs_page_shows_a_services_output()
    {
        Open("/console/api");
        var listening = $"Now listening on: {fixture.App.GetEndpoint("api").ToString().TrimEnd('/')}";
        // textContent rather than Text: the console keeps the newest line in view, so the start-up lines are scrolled
        // out of sight, and Selenium's Text is empty for what can't be seen.
        WaitUntil(() => ConsoleTexts().Any(t => t.Contains(listening)),
            Patience, () => $"the api's '{listening}' line; the page shows {ConsoleTexts().Count} lines, of which about listening: "
                + string.Join(" / ", ConsoleTexts().Where(t => t.Contains("listening", StringComparison.OrdinalIgnoreCase)))
                + "; the app has: " + string.Join(" / ", fixture.App.GetConsoleLines("api").Where(l => l.Text.Contains("listening", StringComparison.OrdinalIgnoreCase)).Select(l => l.Text)));
        Assert.Contains("lines", Driver.FindElement(By.CssSelector(TestId("console-count"))).Text);
        fixture.Screenshot("02-console-logs");
    }

    [Fact]
    public async Task Structured_logs_page_shows_records_from_the_api_and_the_worker()
    {
        await fixture.DeliveredEventAsync();
        Open("/structuredlogs");
        WaitUntil(() => Driver.FindElements(By.CssSelector(TestId("log-row"))).Select(r => r.GetAttribute("data-resource")).ToHashSet() is var resources
                && resources.Contains("api") && resources.Contains("worker"),
            Patience, () => "log records from both the api and the worker");
        fixture.Screenshot("03-structured-logs");

        Open("/structuredlogs?resource=worker");
        Driver.WaitFor(TestId("log-row"), Patience);
        WaitUntil(() => Driver.FindElements(By.CssSelector(TestId("log-row"))).All(r => r.GetAttribute("data-resource") == "worker"), Patience,
            () => "only the worker's records under resource=worker");
    }

    [Fact]
    public async Task Metrics_page_charts_the_delivery_attempts()
    {
        await fixture.DeliveredEventAsync();
        Open("/metrics?resource=worker&instrument=webhooks.delivery.attempts");
        WaitUntil(() => Driver.FindElements(By.CssSelector(TestId("series-row"))).Any(r => r.GetAttribute("data-series")?.Contains("outcome=success") == true),
            Patience, () => "an outcome=success series of webhooks.delivery.attempts");
        Driver.WaitFor(TestId("metric-chart") + " polyline", Patience);
        var instruments = Driver.FindElements(By.CssSelector(TestId("instrument-link"))).Select(l => l.GetAttribute("data-instrument")).ToList();
        Assert.Contains("webhooks.delivery.attempts", instruments);
        fixture.Screenshot("04-metrics");
    }

    [Fact]
    public async Task Deliveries_page_lists_the_delivered_event()
    {
        var eventId = await fixture.DeliveredEventAsync();
        Open("/deliveries");
        Driver.WaitFor($"{TestId("event-row")}[data-event-id='{eventId}']", Patience);
        WaitUntil(() => Driver.FindElement(By.CssSelector($"{TestId("event-row")}[data-event-id='{eventId}']")).GetAttribute("data-status") == "delivered",
            Patience, () => $"event {eventId} listed as delivered");
        Assert.True(int.Parse(Driver.FindElement(By.CssSelector(TestId("status-delivered"))).Text) >= 1);
        Assert.Contains("merchant_123", Driver.FindElement(By.CssSelector($"{TestId("event-row")}[data-event-id='{eventId}']")).Text);
        fixture.Screenshot("05-deliveries");
    }

    private void Open(string path) => Driver.Navigate().GoToUrl(fixture.DashboardUrl(path));

    private List<string> ConsoleTexts() =>
        [.. Driver.FindElements(By.CssSelector(TestId("console-line"))).Select(l => l.GetDomProperty("textContent") ?? "")];

    private static string ResourceRow(string name) => $"{TestId("resource-row")}[data-resource='{name}']";

    private List<SpanRow> Spans() =>
    [
        .. Driver.FindElements(By.CssSelector(TestId("span-row"))).Select(r => new SpanRow(
            r.GetAttribute("data-span-id") ?? "", r.GetAttribute("data-resource") ?? "", r.GetAttribute("data-span-name") ?? "",
            int.Parse(r.GetAttribute("data-depth") ?? "-1"), (r.GetAttribute("class") ?? "").Contains("has-error"), r.Text)),
    ];

    private static string Describe(IEnumerable<SpanRow> spans) =>
        string.Join(" | ", spans.Select(s => $"{new string('>', s.Depth)}{s.Resource}: {s.Name}"));

    /// <param name="Text">What the row shows: resource, name, detail (URL, SQL, delivery) and duration.</param>
    private sealed record SpanRow(string SpanId, string Resource, string Name, int Depth, bool HasError, string Text);
}
