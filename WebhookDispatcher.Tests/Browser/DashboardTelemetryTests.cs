using System.Text.RegularExpressions;
using WebhookDispatcher.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace WebhookDispatcher.Tests.Browser;

/// <summary>
/// What the services export to the real Aspire dashboard: one event's trace from the Api through the Worker to the
/// merchant, and the Worker's attempt records in Structured logs.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class DashboardTelemetryTests(ChromiumFixture chromium, BrowserAppFixture app)
{
    [Fact]
    public async Task APaymentEventsTrace_RunsFromTheApisPostEvents_ThroughTheWorker_ToTheMockReceiver()
    {
        var id = await app.PostEventAsync(new { merchantId = "merchant_123", amount = 4999, currency = "INR", transactionId = "txn_001" });
        await app.WaitForStatusAsync(id, "delivered");
        // The Api stores the traceparent of the request that took the event in; the Worker continues that trace.
        using var stored = await app.GetEventAsync(id);
        var traceId = stored.RootElement.GetProperty("traceparent").GetString()!.Split('-')[1];

        await using var session = await BrowserSession.OpenAsync(chromium);
        var page = session.Page;
        await AspireDashboard.LogInAsync(session, app);
        await AspireDashboard.NavigateAsync(page, "traces");
        await AspireDashboard.SelectResourceAsync(page, "mockreceiver");
        await AspireDashboard.TraceNameFilter(page).FillAsync("POST /events");
        var row = AspireDashboard.TraceRow(page, traceId);
        // Spans arrive as each service exports them: the trace is whole once the MockReceiver's has come in.
        await Expect(row.Locator(".trace-service-tag", new() { HasText = "mockreceiver" })).ToBeVisibleAsync();
        await session.ShotAsync("traces");

        await row.Locator($"td[title*='Trace Id: {traceId}']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/traces/detail/{traceId}"));
        // Each service exports its spans on its own schedule: wait until the page lists all four, then read their order.
        var spans = AspireDashboard.SpanNameCells(page);
        Regex[] expected = [IngressSpan(), DeliverSpan(), SendSpan(), ReceiveSpan()];
        var titles = Array.Empty<string>();
        await EngineAppFixture.EventuallyAsync(async () =>
        {
            titles = await spans.EvaluateAllAsync<string[]>("cells => cells.map(c => c.title)");
            return expected.All(span => titles.Any(span.IsMatch));
        }, "the trace detail lists the Api's, the Worker's and the MockReceiver's spans", ChromiumFixture.Patience);
        await session.ShotAsync("trace-detail");

        var order = expected.Select(span => Array.FindIndex(titles, span.IsMatch)).ToArray();
        var listed = string.Join(" | ", titles);
        Assert.True(order[0] == 0, $"the trace starts at the Api's POST /events: {listed}");
        Assert.True(order[1] > order[0], $"the Worker's delivery follows, in the same trace: {listed}");
        Assert.True(order[2] > order[1], $"the Worker's HTTP call is part of the delivery: {listed}");
        Assert.True(order[3] > order[2], $"the MockReceiver's span is under the Worker's call: {listed}");
    }

    [Fact]
    public async Task TheWorkersAttemptRecords_AreInStructuredLogs_FilteredToTheWorker()
    {
        // An endpoint that always answers 500: with the fixture's two attempts, one retry warning, then dead.
        var target = new Uri(app.ReceiverUrl, "respond/500");
        var id = await app.PostEventAsync(new { target_url = target, payload = new { order_id = "log-1" } });
        await app.WaitForStatusAsync(id, "dead");

        await using var session = await BrowserSession.OpenAsync(chromium);
        var page = session.Page;
        await AspireDashboard.LogInAsync(session, app);
        await AspireDashboard.NavigateAsync(page, "structuredlogs");
        await AspireDashboard.SelectResourceAsync(page, "worker");
        await AspireDashboard.LogMessageFilter(page).FillAsync(id.ToString());

        // Worker/Delivery/AttemptLog.cs: a failed attempt that will be retried is a Warning, going dead an Error.
        var retried = AspireDashboard.LogMessages(page, "warning").Filter(new() { HasText = $"of event {id} attempt 1 failed" });
        var dead = AspireDashboard.LogMessages(page, "error").Filter(new() { HasText = $"of event {id} to merchant" });
        await Expect(retried).ToHaveTextAsync(new Regex(@"attempt 1 failed, next try in [\d.]+ s: HTTP 500"));
        await Expect(dead).ToHaveTextAsync(new Regex(@"is dead after attempt 2: HTTP 500"));
        // Once the filter has applied, those two are all the Worker said about the event (a success would be Debug).
        await Expect(AspireDashboard.LogRows(page)).ToHaveCountAsync(2);
        await session.ShotAsync("worker-logs");
    }

    // Span rows are titled "{resource}: {span name}"; ASP.NET Core names a server span by its route template.
    [GeneratedRegex("^api: POST /events/?$")]
    private static partial Regex IngressSpan();

    [GeneratedRegex("^worker: webhook deliver$")]
    private static partial Regex DeliverSpan();

    [GeneratedRegex("^worker: HTTP POST")]
    private static partial Regex SendSpan();

    [GeneratedRegex("^mockreceiver: POST /webhook/?$")]
    private static partial Regex ReceiveSpan();
}
