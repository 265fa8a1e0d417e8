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
        Assert.Equal("200", Read(() => Driver.FindElements(By.CssSelector(TestId("attempt")))[^1].GetAttribute("data-status-code")));
        Assert.Contains("txn_001", Driver.FindElement(By.CssSelector(TestId("event-payload"))).Text);
        fixture.Screenshot("09-event");

        var traceLink = Driver.WaitFor(TestId("event-trace-link"), Patience);
        var traceId = traceLink.GetAttribute("href")!.Split('/')[^1];
        traceLink.Click();
        // Spans arrive a second or so after the fact (the services' export delay): the page fills in live.
        WaitUntil(() => Spans() is var s
                && s.Any(x => x is { Resource: "api", Name: IngestionSpan })
                && s.Any(x => x is { Resource: "api", Name: "postgresql" })
                && s.Any(x => x is { Resource: "worker", Name: "webhook deliver" } && x.Text.Contains("→ 200"))
                && s.Any(x => x is { Resource: "worker", Name: "POST" })
                && s.Any(x => x.Resource == "mockreceiver"),
            Patience, () => "the api's, the worker's and the receiver's spans in the waterfall; found: " + Describe(Spans()));
        Assert.EndsWith($"/traces/{traceId}", Driver.Url);
        fixture.Screenshot("05-trace-waterfall");

        // api: POST /events/ at the root (ASP.NET Core names the span after the group route, slash and all), its INSERT and the worker's delivery under it; under the (successful)
        // delivery its HTTP POST, and under that the receiver's own span (traceparent travels with the webhook).
        var spans = Spans();
        var ingestion = spans.Single(s => s is { Resource: "api", Name: IngestionSpan });
        Assert.Equal(0, ingestion.Depth);
        Assert.Contains("→ 202", ingestion.Text);
        var insert = spans.Single(s => s is { Resource: "api", Name: "postgresql" });
        Assert.Equal(1, insert.Depth);
        Assert.Contains("INSERT INTO events", insert.Text);
        var deliver = spans.Last(s => s is { Resource: "worker", Name: "webhook deliver" } && s.Text.Contains("→ 200"));
        Assert.Equal(1, deliver.Depth);
        var post = spans.Skip(spans.IndexOf(deliver) + 1).First(s => s.Depth <= deliver.Depth + 1);
        Assert.Equal(("worker", "POST", deliver.Depth + 1), (post.Resource, post.Name, post.Depth));
        Assert.False(post.HasError);
        Assert.Contains("→ 200", post.Text);
        var received = spans[spans.IndexOf(post) + 1];
        Assert.Equal("mockreceiver", received.Resource);
        Assert.StartsWith("POST /webhook", received.Name);
        Assert.Equal(post.Depth + 1, received.Depth);

        // The HTTP call's details: the receiver's URL and its 200.
        Driver.FindElement(By.CssSelector($"{TestId("span-row")}[data-span-id='{post.SpanId}']")).Click();
        var details = Driver.WaitFor(TestId("span-details"), Patience);
        Assert.Contains($"{fixture.App.GetEndpoint("mockreceiver").GetLeftPart(UriPartial.Authority)}/webhook", details.Text);
        Assert.Contains("http.response.status_code", details.Text);
        fixture.Screenshot("06-trace-span-details");

        // The Traces list has the same trace, with its three resources.
        Open("/traces");
        var row = $"{TestId("trace-row")}[data-trace-id='{traceId}']";
        Driver.WaitFor(row, Patience);
        Assert.Contains($"api: {IngestionSpan}", Driver.FindElement(By.CssSelector(row)).Text);
        Assert.Equal(["api", "mockreceiver", "worker"],
            Read(() => Driver.FindElement(By.CssSelector(row)).FindElements(By.CssSelector(TestId("resource-chip"))).Select(c => c.Text).Order().ToList()));
        fixture.Screenshot("04-traces");
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
        Assert.StartsWith("whsec_", secret);
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
        Assert.Equal(LiveDashboardFixture.MaxAttempts.ToString(), row.FindElement(By.CssSelector("td.num")).Text.Trim());
        fixture.Screenshot("10-deliveries-dead");

        Driver.FindElement(By.CssSelector($"{deadRow} {TestId("retry-delivery")}")).Click();
        var message = Driver.WaitFor(TestId("retry-message"), Patience);
        Assert.Contains($"Delivery {deliveryId} is pending again", message.Text);
        WaitUntil(() => Driver.FindElements(By.CssSelector(deadRow)).Count == 0, Patience, () => "the retried delivery to leave the dead list");

        await LiveDashboardFixture.EventuallyAsync(async () => await fixture.StatusOfAsync(eventId) == "delivered", $"the retried event {eventId} is delivered");
        Open($"/deliveries/events/{eventId}");
        WaitUntil(() => Driver.FindElements(By.CssSelector($"{TestId("delivery")}[data-delivery-id='{deliveryId}'][data-status='delivered']")).Count == 1,
            Patience, () => "the event page to show the retried delivery delivered");
        var codes = Read(() => Driver.FindElements(By.CssSelector(TestId("attempt"))).Select(a => a.GetAttribute("data-status-code")).ToList());
        Assert.Equal([.. Enumerable.Repeat("500", LiveDashboardFixture.MaxAttempts), "200"], codes);
        fixture.Screenshot("11-event-retried");
    }

    [Fact]
    public void Resources_page_shows_every_resource_running_and_healthy()
    {
        Open("/resources");
        string[] expected = ["api", "mockreceiver", "postgres", "redis", "worker"];
        WaitUntil(() => Driver.FindElements(By.CssSelector(TestId("resource-row"))) is var rows
                && expected.All(name => rows.Any(r => r.GetAttribute("data-resource") == name))
                && rows.All(r => r.GetAttribute("data-state") == "Running" && r.FindElement(By.CssSelector(TestId("resource-health"))).Text == "Healthy"),
            Patience, () => "every resource Running and Healthy: " + string.Join("; ",
                Driver.FindElements(By.CssSelector(TestId("resource-row"))).Select(r => $"{r.GetAttribute("data-resource")} {r.GetAttribute("data-state")}")));
        var api = Driver.FindElement(By.CssSelector($"{TestId("resource-row")}[data-resource='api']"));
        Assert.Equal(fixture.App.GetEndpoint("api").ToString(), api.FindElement(By.CssSelector(TestId("resource-endpoint"))).GetAttribute("href"));
        Assert.Contains(fixture.App.GetResource("api").ProcessId.ToString()!, api.Text);
        fixture.Screenshot("01-resources");
    }

    [Fact]
    public void Console_logs_page_shows_a_services_output()
    {
        Open("/console/api");
        var listening = $"Now listening on: {fixture.App.GetEndpoint("api").ToString().TrimEnd('/')}";
        // textContent rather than Text: the console keeps the newest line in view, so the start-up lines are scrolled
        // out of sight, and Selenium's Text is empty for what can't be seen.
        WaitUntil(() => ConsoleLines().Any(l => l.Text.Contains(listening)),
            Patience, () => $"the api's '{listening}' line among its {ConsoleLines().Count} lines");
        Assert.Contains("lines", Driver.FindElement(By.CssSelector(TestId("console-count"))).Text);
        // Show the start-up line rather than whatever the newest lines are.
        var line = ConsoleLines().First(l => l.Text.Contains(listening)).Element;
        ((IJavaScriptExecutor)Driver).ExecuteScript("arguments[0].scrollIntoView({block: 'center'});", line);
        fixture.Screenshot("02-console-logs");
    }

    [Fact]
    public async Task Structured_logs_page_shows_records_from_the_api_and_the_worker()
    {
        await fixture.DeliveredEventAsync();
        Open("/structuredlogs");
        var apiListening = $"Now listening on: {fixture.App.GetEndpoint("api").ToString().TrimEnd('/')}";
        WaitUntil(() => LogRows() is var rows
                && rows.Any(r => r.Resource == "api" && r.Text.Contains(apiListening))
                && rows.Any(r => r.Resource == "worker"),
            Patience, () => $"log records from the api ('{apiListening}') and the worker; found: "
                + string.Join(" | ", LogRows().Take(20).Select(r => $"{r.Resource}: {r.Text}")));
        fixture.Screenshot("03-structured-logs");

        Open("/structuredlogs?resource=worker");
        WaitUntil(() => LogRows() is { Count: > 0 } rows && rows.All(r => r.Resource == "worker"), Patience,
            () => "only the worker's records under resource=worker");
    }

    [Fact]
    public async Task Metrics_page_charts_the_delivery_attempts()
    {
        await fixture.DeliveredEventAsync();
        Open("/metrics?resource=worker&instrument=webhooks.delivery.attempts");
        var success = $"{TestId("series-row")}[data-series='outcome=success']";
        WaitUntil(() => Driver.FindElements(By.CssSelector($"{success} {TestId("series-latest")}")) is [var latest] && int.Parse(latest.Text) >= 1,
            Patience, () => "an outcome=success series of webhooks.delivery.attempts with a point of at least 1");
        Driver.WaitFor($"{TestId("metric-chart")} polyline[data-series='outcome=success']", Patience);
        Assert.Equal("Delivery attempts by outcome", Driver.FindElement(By.CssSelector(TestId("metric-title"))).Text);
        fixture.Screenshot("07-metrics");
    }

    [Fact]
    public async Task Deliveries_page_lists_the_delivered_event()
    {
        var eventId = await fixture.DeliveredEventAsync();
        Open("/deliveries");
        var row = $"{TestId("event-row")}[data-event-id='{eventId}']";
        WaitUntil(() => Driver.FindElements(By.CssSelector(row)) is [var r] && r.GetAttribute("data-status") == "delivered",
            Patience, () => $"event {eventId} listed as delivered");
        Assert.Contains("merchant_123", Driver.FindElement(By.CssSelector(row)).Text);
        Assert.True(int.Parse(Driver.FindElement(By.CssSelector(TestId("status-delivered"))).Text) >= 1);
        Assert.Empty(Driver.FindElements(By.CssSelector(TestId("deliveries-error"))));
        fixture.Screenshot("08-deliveries");
    }

    private void Open(string path) => Driver.Navigate().GoToUrl(fixture.DashboardUrl(path));

    /// <summary>Reads the live page again when it re-rendered under the reader (new telemetry, a poll).</summary>
    private static T Read<T>(Func<T> read)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return read();
            }
            catch (StaleElementReferenceException) when (attempt < 10)
            {
                Thread.Sleep(100);
            }
        }
    }

    private List<SpanRow> Spans() => Read(() => Driver.FindElements(By.CssSelector(TestId("span-row"))).Select(r => new SpanRow(
        r.GetAttribute("data-span-id") ?? "", r.GetAttribute("data-resource") ?? "", r.GetAttribute("data-span-name") ?? "",
        int.Parse(r.GetAttribute("data-depth") ?? "-1"), (r.GetAttribute("class") ?? "").Contains("has-error"), r.Text)).ToList());

    private List<(IWebElement Element, string Text)> ConsoleLines() => Read(() => Driver.FindElements(By.CssSelector(TestId("console-line")))
        .Select(l => (l, l.GetDomProperty("textContent") ?? "")).ToList());

    private List<(string Resource, string Text)> LogRows() => Read(() => Driver.FindElements(By.CssSelector(TestId("log-row")))
        .Select(r => (r.GetAttribute("data-resource") ?? "", r.GetDomProperty("textContent") ?? "")).ToList());

    private static string Describe(IEnumerable<SpanRow> spans) =>
        string.Join(" | ", spans.Select(s => $"{new string('>', s.Depth)}{s.Resource}: {s.Name}"));

    /// <param name="Text">What the row shows: resource, name, detail (URL, SQL, delivery and attempt, status) and duration.</param>
    private sealed record SpanRow(string SpanId, string Resource, string Name, int Depth, bool HasError, string Text);
}
