using OpenQA.Selenium;
using static WebhookDispatcher.Tests.Dashboard.BrowserExtensions;

namespace WebhookDispatcher.Tests.Dashboard;

/// <summary>
/// Every dashboard page in real headless Chromium: it renders its data, updates live, and its buttons do what they
/// say. Each test saves a screenshot under test-output/dashboard for a person to look at.
/// </summary>
public sealed class DashboardPagesBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private IWebDriver Driver => fixture.Driver;

    [Fact]
    public void Resources_page_lists_the_app_model_and_its_buttons_call_the_monitor()
    {
        Open("/");
        var rows = Driver.WaitForAll(TestId("resource-row"), atLeast: 5);
        Assert.Equal(["api", "mockreceiver", "postgres", "redis", "worker"], rows.Select(r => r.GetAttribute("data-resource")));
        var api = Row("api");
        Assert.Contains("Running", api.FindElement(By.CssSelector(TestId("resource-state"))).Text);
        Assert.Contains("Healthy", api.FindElement(By.CssSelector(TestId("resource-health"))).Text);
        Assert.Equal("http://localhost:3000/", api.FindElement(By.CssSelector(TestId("resource-endpoint"))).GetAttribute("href"));
        Assert.Contains("4180", api.Text);
        Screenshot("01-resources");

        Row("worker").FindElement(By.CssSelector(TestId("resource-restart"))).Click();
        WaitUntil(() => fixture.Resources.Commands.Contains("restart worker"), what: () => "the restart to reach the monitor");
        WaitUntil(() => Row("worker").FindElements(By.CssSelector("td.num")).Any(td => td.Text == "1"), what: () => "the restart count to show 1");

        Row("mockreceiver").FindElement(By.CssSelector(TestId("resource-stop"))).Click();
        WaitUntil(() => Row("mockreceiver").GetAttribute("data-state") == "Exited", what: () => "mockreceiver to show Exited");
        Assert.True(Row("mockreceiver").FindElement(By.CssSelector(TestId("resource-start"))).Enabled);
        Row("mockreceiver").FindElement(By.CssSelector(TestId("resource-start"))).Click();
        WaitUntil(() => Row("mockreceiver").GetAttribute("data-state") == "Running", what: () => "mockreceiver to run again");
        Assert.Equal(["restart worker", "stop mockreceiver", "start mockreceiver"], fixture.Resources.Commands);
    }

    [Fact]
    public void Console_logs_follow_one_resource_live()
    {
        Open("/console/api");
        var lines = Driver.WaitForAll(TestId("console-line"), atLeast: 3);
        Assert.Contains("Now listening on: http://localhost:3000", lines[0].Text);
        Assert.Contains("stderr", lines[2].GetAttribute("class"));

        fixture.Resources.WriteLine("api", "info: a line written after the page opened");
        WaitUntil(() => Driver.FindElements(By.CssSelector(TestId("console-line"))).Any(l => l.Text.Contains("after the page opened")),
            what: () => "the new console line to appear without a reload");
        Assert.DoesNotContain(Driver.FindElements(By.CssSelector(TestId("console-line"))), l => l.Text.Contains("Claimed 1 delivery"));
        Screenshot("02-console-logs");

        Driver.FindElement(By.CssSelector($"{TestId("console-resource")} option[value='worker']")).Click();
        WaitUntil(() => Driver.FindElements(By.CssSelector(TestId("console-line"))).Any(l => l.Text.Contains("Claimed 1 delivery")), what: () => "the worker's lines");
    }

    [Fact]
    public void Structured_logs_filter_by_level_and_text_and_show_attributes_and_trace()
    {
        Open("/structuredlogs");
        Driver.WaitForAll(TestId("log-row"), atLeast: 3);
        Assert.Contains(Driver.FindElements(By.CssSelector(TestId("log-row"))), r => r.GetAttribute("data-resource") == "api");

        Driver.FindElement(By.CssSelector($"{TestId("logs-level")} option[value='Warning']")).Click();
        WaitUntil(() => Driver.FindElements(By.CssSelector(TestId("log-row"))).All(r => r.GetAttribute("data-level") is "Warning" or "Error" or "Critical"),
            what: () => "only warnings and worse");
        Assert.Contains("level=Warning", Driver.Url);

        var warning = Driver.WaitFor(TestId("log-row"));
        Assert.Contains("failed with HTTP 503", warning.Text);
        warning.Click();
        var details = Driver.WaitFor(TestId("log-details"));
        Assert.Contains("StatusCode", details.Text);
        Assert.Contains("503", details.Text);
        Assert.Contains("WebhookDispatcher.Worker.Services.DeliveryWorker", details.Text);
        var traceLink = details.FindElement(By.CssSelector(TestId("log-details-trace-link")));
        Assert.EndsWith($"/traces/{fixture.Telemetry.IngestionTraceId}", traceLink.GetAttribute("href"));
        Screenshot("03-structured-logs");

        // A record exported while the page is open shows up without a reload.
        Driver.FindElement(By.CssSelector(TestId("logs-filter"))).SendKeys("payload rejected" + Keys.Enter);
        WaitUntil(() => Driver.Url.Contains("text=payload"), what: () => "the text filter in the address");
        fixture.Telemetry.SendLog("api", Microsoft.Extensions.Logging.LogLevel.Error, "Event payload rejected: merchantId is required");
        WaitUntil(() => Driver.FindElements(By.CssSelector(TestId("log-row"))) is { Count: 1 } rows && rows[0].Text.Contains("merchantId is required"),
            what: () => "the new error record, alone under the filter");
    }

    [Fact]
    public void Traces_list_and_waterfall_follow_an_event_from_the_api_to_each_delivery_attempt()
    {
        Open("/traces");
        Driver.WaitForAll(TestId("trace-row"), atLeast: 5);
        var row = Driver.FindElement(By.CssSelector($"{TestId("trace-row")}[data-trace-id='{fixture.Telemetry.IngestionTraceId}']"));
        Assert.Contains("api: POST /events", row.Text);
        Assert.Equal(["api", "worker"], row.FindElements(By.CssSelector(TestId("resource-chip"))).Select(c => c.Text));
        Assert.Contains("9", row.FindElements(By.CssSelector("td.num"))[0].Text);
        Assert.NotEmpty(row.FindElements(By.CssSelector(TestId("trace-errors"))));
        Screenshot("04-traces");

        Driver.FindElement(By.CssSelector(TestId("traces-filter"))).SendKeys("webhook deliver" + Keys.Enter);
        WaitUntil(() => Driver.FindElements(By.CssSelector(TestId("trace-row"))).Count == 1, what: () => "one trace matching 'webhook deliver'");

        row = Driver.FindElement(By.CssSelector(TestId("trace-row")));
        row.FindElement(By.CssSelector(TestId("trace-link"))).Click();
        var spans = Driver.WaitForAll(TestId("span-row"), atLeast: 9);
        var waterfall = spans.Select(s => (Resource: s.GetAttribute("data-resource"), Name: s.GetAttribute("data-span-name"), Depth: s.GetAttribute("data-depth"))).ToList();
        Assert.Equal(("api", "POST /events", "0"), waterfall[0]);
        Assert.Contains(("api", "INSERT webhooks", "1"), waterfall);
        Assert.Equal(2, waterfall.Count(s => s == ("worker", "webhook deliver", "1")));
        Assert.Equal(2, waterfall.Count(s => s == ("worker", "POST", "2")));
        Assert.Equal(2, waterfall.Count(s => s == ("worker", "UPDATE webhooks", "2")));

        var failedPost = spans.First(s => s.GetAttribute("data-span-name") == "POST");
        Assert.Contains("has-error", failedPost.GetAttribute("class"));
        failedPost.Click();
        var details = Driver.WaitFor(TestId("span-details"));
        Assert.Contains("http://localhost:4000/webhook", details.Text);
        Assert.Contains("503", details.Text);
        Screenshot("05-trace-waterfall");
    }

    [Fact]
    public void Metrics_page_charts_the_engine_instruments()
    {
        Open("/metrics?resource=worker&instrument=webhooks.delivery.attempts");
        Driver.WaitFor(TestId("metric-chart") + " polyline");
        Assert.Equal("Delivery attempts by outcome", Driver.FindElement(By.CssSelector(TestId("metric-title"))).Text);
        var legend = Driver.FindElements(By.CssSelector(TestId("legend-item"))).Select(l => l.GetAttribute("data-series")).ToList();
        Assert.Equal(["outcome=failure", "outcome=success", "outcome=timeout"], legend);
        var instruments = Driver.FindElements(By.CssSelector(TestId("instrument-link"))).Select(l => l.GetAttribute("data-instrument")).ToList();
        Assert.Contains("webhooks.delivery.attempt.duration", instruments);
        Assert.Contains("webhooks.delivery.latency", instruments);
        Assert.Contains("webhooks.queue.depth", instruments);
        Screenshot("06-metrics-attempts");

        Driver.FindElement(By.CssSelector($"{TestId("instrument-link")}[data-instrument='webhooks.delivery.attempt.duration']")).Click();
        WaitUntil(() => Driver.FindElement(By.CssSelector(TestId("metric-title"))).Text == "Attempt duration", what: () => "the duration histogram");
        Driver.WaitFor(TestId("metric-chart") + " polyline");
        Assert.Single(Driver.FindElements(By.CssSelector(TestId("series-row"))));
        Screenshot("07-metrics-duration");

        Open("/metrics?resource=worker&instrument=webhooks.queue.depth");
        WaitUntil(() => Driver.FindElements(By.CssSelector(TestId("series-row"))).Count == 3, what: () => "queue depth by status");
        Screenshot("08-metrics-queue-depth");

        Open("/metrics?resource=api");
        WaitUntil(() => Driver.FindElements(By.CssSelector(TestId("metric-title"))).FirstOrDefault()?.Text == "Events ingested", what: () => "the api's events ingested counter");
    }

    [Fact]
    public void Deliveries_page_shows_events_dead_deliveries_endpoint_health_and_retries_a_dead_one()
    {
        Open("/deliveries");
        Driver.WaitForAll(TestId("event-row"), atLeast: 3);
        Assert.Equal("41", Driver.FindElement(By.CssSelector(TestId("status-delivered"))).Text);
        Assert.Equal("1", Driver.FindElement(By.CssSelector(TestId("status-dead"))).Text);
        Assert.Equal(2, Driver.FindElements(By.CssSelector(TestId("endpoint-health-row"))).Count);
        Assert.Contains("In Development the Api needs no API key", Driver.FindElement(By.CssSelector(TestId("api-key-note"))).Text);
        var dead = Driver.WaitFor(TestId("dead-row"));
        Assert.Equal(FakeApi.DeadDeliveryId.ToString(), dead.GetAttribute("data-delivery-id"));
        Screenshot("09-deliveries");

        dead.FindElement(By.CssSelector(TestId("retry-delivery"))).Click();
        var message = Driver.WaitFor(TestId("retry-message"));
        Assert.Contains($"Delivery {FakeApi.DeadDeliveryId} is pending again", message.Text);
        Assert.Equal([FakeApi.DeadDeliveryId], fixture.Api.Retries);
        WaitUntil(() => Driver.FindElements(By.CssSelector(TestId("dead-row"))).Count == 0, what: () => "the dead list to empty");
        Assert.Equal("0", Driver.FindElement(By.CssSelector(TestId("status-dead"))).Text);
    }

    [Fact]
    public void Event_page_shows_the_attempt_timeline_and_links_to_the_trace()
    {
        Open($"/deliveries/events/{FakeApi.DeliveredEventId}");
        var attempts = Driver.WaitForAll(TestId("attempt"), atLeast: 2);
        Assert.Equal("503", attempts[0].GetAttribute("data-status-code"));
        Assert.Contains("HTTP 503 Service Unavailable", attempts[0].Text);
        Assert.Contains("2s", attempts[0].Text);
        Assert.Equal("200", attempts[1].GetAttribute("data-status-code"));
        Assert.Contains("delivered", Driver.FindElement(By.CssSelector(TestId("delivery-status"))).Text);
        Assert.Contains("tx_1001", Driver.FindElement(By.CssSelector(TestId("event-payload"))).Text);
        Screenshot("10-event-detail");

        Driver.FindElement(By.CssSelector(TestId("event-trace-link"))).Click();
        Driver.WaitForAll(TestId("span-row"), atLeast: 9);
        Assert.EndsWith($"/traces/{fixture.Telemetry.IngestionTraceId}", Driver.Url);
    }

    [Fact]
    public void Nav_moves_between_pages_without_a_reload()
    {
        Open("/");
        Driver.WaitFor(TestId("resource-row"));
        // A marker on window survives only if navigation stays inside the Blazor app.
        ((IJavaScriptExecutor)Driver).ExecuteScript("window.__noReload = true;");
        foreach (var (nav, marker) in new[]
        {
            ("nav-traces", "trace-row"), ("nav-structuredlogs", "log-row"), ("nav-metrics", "instrument-link"),
            ("nav-deliveries", "event-row"), ("nav-console", "console-resource"), ("nav-resources", "resource-row"),
        })
        {
            Driver.FindElement(By.CssSelector(TestId(nav))).Click();
            Driver.WaitFor(TestId(marker));
        }
        Assert.Equal(true, ((IJavaScriptExecutor)Driver).ExecuteScript("return window.__noReload === true;"));
    }

    private void Open(string path) => Driver.Navigate().GoToUrl(new Uri(fixture.Dashboard.BrowserUrl, path));

    private IWebElement Row(string resource) => Driver.FindElement(By.CssSelector($"{TestId("resource-row")}[data-resource='{resource}']"));

    private void Screenshot(string name) =>
        ((ITakesScreenshot)Driver).GetScreenshot().SaveAsFile(Path.Combine(fixture.ScreenshotFolder, name + ".png"));
}
