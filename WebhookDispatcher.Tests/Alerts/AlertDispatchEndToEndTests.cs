using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookDispatcher.Core.Alerts;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Tests.Infrastructure;
using WebhookDispatcher.Core.Targets;

namespace WebhookDispatcher.Tests.Alerts;

/// <summary>
/// On-call alerts on real processes: an alert raised in the app's database (as the Workers' outcome path raises
/// them) reaches Slack and PagerDuty, the stand-ins the test runs, in their own shapes; several triggers of one
/// failing target page once; the resolve follows with the same dedup key; and a Slack outage delays messages
/// without losing or reordering any. GET /alerts shows it all, and answers bad queries with problem+json.
/// </summary>
public sealed class AlertDispatchEndToEndTests(AlertsAppFixture app) : IClassFixture<AlertsAppFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly string[] BothChannels = [AlertChannel.Slack, AlertChannel.PagerDuty];

    [Fact]
    public async Task AFailingEndpoint_HittingEveryTrigger_PagesOnceInEachChannel_ThenResolvesWithTheSameDedupKey()
    {
        var endpointId = Guid.NewGuid();
        var key = TargetKey.ForEndpoint(endpointId).Value;
        var url = $"https://{endpointId:N}.merchant.example/webhooks";
        var dedupKey = $"webhook-dispatcher:{key}";
        AlertTrigger Trigger(string kind, string summary, string detail) => new(key, endpointId, "merchant_paged", url, kind, summary, detail);

        // A receiver failing everything: the streak, then its circuit opening, then deliveries dying, then disabled.
        Assert.Equal(1, await app.Alerts.RaiseAsync([Trigger(AlertKind.ConsecutiveFailures, "10 consecutive failures", "HTTP 500 Internal Server Error")], TimeSpan.FromMinutes(15), BothChannels));
        Assert.Equal(0, await app.Alerts.RaiseAsync([Trigger(AlertKind.CircuitOpen, "circuit open", "HTTP 500 Internal Server Error")], TimeSpan.FromMinutes(15), BothChannels));
        Assert.Equal(0, await app.Alerts.RaiseAsync([Trigger(AlertKind.Dead, "a delivery died", "HTTP 502 Bad Gateway")], TimeSpan.FromMinutes(15), BothChannels));

        await EngineAppFixture.EventuallyAsync(() => Task.FromResult(PagerDutyEvents(dedupKey).Any() && SlackMessages(url).Any()),
            "PagerDuty and Slack receive the alert", Patience);

        var trigger = PagerDutyEvents(dedupKey).First();
        Assert.Equal(AlertsAppFixture.RoutingKey, trigger.GetProperty("routing_key").GetString());
        Assert.Equal("trigger", trigger.GetProperty("event_action").GetString());
        var payload = trigger.GetProperty("payload");
        Assert.Equal($"Webhook endpoint failing: merchant merchant_paged, {url}, 10 consecutive failures", payload.GetProperty("summary").GetString());
        Assert.Equal($"{endpointId:N}.merchant.example", payload.GetProperty("source").GetString());
        Assert.Equal("error", payload.GetProperty("severity").GetString());
        Assert.Equal("webhook-dispatcher", payload.GetProperty("component").GetString());
        Assert.Equal(key, payload.GetProperty("custom_details").GetProperty("target_key").GetString());

        var slack = SlackMessages(url).First();
        Assert.StartsWith(":rotating_light: Webhook endpoint failing: merchant merchant_paged, ", slack.GetProperty("text").GetString());
        var blocks = slack.GetProperty("blocks").EnumerateArray().ToList();
        Assert.All(blocks, b => Assert.Equal("section", b.GetProperty("type").GetString()));
        var mrkdwn = string.Join("\n", blocks.SelectMany(Texts));
        Assert.Contains(url, mrkdwn);
        Assert.Contains("merchant_paged", mrkdwn);
        Assert.Contains(AlertKind.ConsecutiveFailures, mrkdwn);
        Assert.Contains("*Last error*", mrkdwn);
        Assert.Contains("HTTP 50", mrkdwn);

        Assert.Equal(1, await app.Alerts.ResolveAsync([key]));
        await EngineAppFixture.EventuallyAsync(() => Task.FromResult(PagerDutyEvents(dedupKey).Count() == 2 && SlackMessages(url).Count() == 2),
            "PagerDuty and Slack hear that it recovered", Patience);

        // The resolve is sent only after everything before it for this target, so these are all there ever were.
        var events = PagerDutyEvents(dedupKey).ToList();
        Assert.Equal(["trigger", "resolve"], events.Select(e => e.GetProperty("event_action").GetString()));
        Assert.Equal(AlertsAppFixture.RoutingKey, events[1].GetProperty("routing_key").GetString());
        Assert.Equal(dedupKey, events[1].GetProperty("dedup_key").GetString());
        var recovered = SlackMessages(url).Last();
        Assert.StartsWith(":white_check_mark: Webhook endpoint recovered: merchant merchant_paged, ", recovered.GetProperty("text").GetString());

        var listed = await ListedAsync(key, "resolved");
        Assert.Equal([AlertKind.ConsecutiveFailures, AlertKind.CircuitOpen, AlertKind.Dead], listed.GetProperty("kinds").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(endpointId, listed.GetProperty("endpointId").GetGuid());
        var notifications = listed.GetProperty("notifications").EnumerateArray().ToList();
        Assert.Equal(4, notifications.Count);
        Assert.All(notifications, n => Assert.Equal("sent", n.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task AMerchantWhoseServerFailsEverything_GetsOneSlackMessageAndOnePagerDutyTrigger_AndAResolveOnceItRecovers()
    {
        const string Merchant = "merchant_paging";
        // Real triggers, raised by the Workers' outcome path: ten failures in a row, then deliveries going dead.
        using var registered = await app.Api.PostAsJsonAsync($"/merchants/{Merchant}/endpoints", new { url = new Uri(app.ReceiverUrl, "/respond/500") });
        registered.EnsureSuccessStatusCode();
        using var endpoint = JsonDocument.Parse(await registered.Content.ReadAsStringAsync());
        var endpointId = endpoint.RootElement.GetProperty("id").GetGuid();
        using (var trust = await app.Receiver.PostAsJsonAsync("/secrets", new { secret = endpoint.RootElement.GetProperty("secret").GetString() }))
        {
            trust.EnsureSuccessStatusCode(); // so the receiver, once fixed, accepts this endpoint's signatures
        }
        var dedupKey = $"webhook-dispatcher:{TargetKey.ForEndpoint(endpointId).Value}";
        var events = Enumerable.Range(0, 20).Select(i => new { merchantId = Merchant, type = "payment.succeeded", data = new { i } });
        using (var batch = await app.Api.PostAsJsonAsync("/events/batch", new { events }))
        {
            Assert.Equal(HttpStatusCode.Accepted, batch.StatusCode);
        }
        await EngineAppFixture.EventuallyAsync(async () => await app.QueryScalarAsync<long>(
                "SELECT count(*) FROM deliveries WHERE endpoint_id = $1 AND status = 'dead'", endpointId) == 20,
            "all 20 deliveries are dead", TimeSpan.FromMinutes(2));
        await EngineAppFixture.EventuallyAsync(() => Task.FromResult(PagerDutyEvents(dedupKey).Any()), "PagerDuty is paged", Patience);
        var kinds = (await ListedAsync(TargetKey.ForEndpoint(endpointId).Value, "firing")).GetProperty("kinds").EnumerateArray().Select(k => k.GetString()).ToList();
        Assert.Contains(AlertKind.ConsecutiveFailures, kinds);
        Assert.Contains(AlertKind.Dead, kinds);

        // The merchant fixes their server; on-call retries the dead ones, and the first success resolves the incident.
        using (var fix = await app.Api.PatchAsJsonAsync($"/merchants/{Merchant}/endpoints/{endpointId}", new { url = new Uri(app.ReceiverUrl, $"/webhook/{Merchant}") }))
        {
            fix.EnsureSuccessStatusCode();
        }
        using (var retry = await app.Api.PostAsJsonAsync("/deliveries/retry", new { endpointId }))
        {
            retry.EnsureSuccessStatusCode();
        }
        await EngineAppFixture.EventuallyAsync(() => Task.FromResult(PagerDutyEvents(dedupKey).Count() == 2), "PagerDuty hears it resolved", Patience);
        var pages = PagerDutyEvents(dedupKey).Select(e => e.GetProperty("event_action").GetString()).ToList();
        Assert.Equal(["trigger", "resolve"], pages);
        var slack = app.Slack.Accepted.Where(m => m.GetRawText().Contains(endpointId.ToString(), StringComparison.Ordinal)
            || m.GetProperty("text").GetString()!.Contains(Merchant, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, slack.Count);
        Assert.StartsWith(":rotating_light:", slack[0].GetProperty("text").GetString());
        Assert.StartsWith(":white_check_mark:", slack[1].GetProperty("text").GetString());
        await EngineAppFixture.EventuallyAsync(async () => await app.QueryScalarAsync<long>(
                "SELECT count(*) FROM deliveries WHERE endpoint_id = $1 AND status = 'delivered'", endpointId) == 20,
            "all 20 are delivered after the retry", TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task ASlackOutage_DelaysItsMessages_InOrder_AndLosesNone_WhilePagerDutyIsToldAtOnce()
    {
        var url = $"https://shared-{Guid.NewGuid():N}.example/webhook";
        var key = TargetKey.ForUrl(url).Value;
        var dedupKey = $"webhook-dispatcher:{key}";
        app.Slack.StatusCode = 503;
        try
        {
            Assert.Equal(1, await app.Alerts.RaiseAsync([new AlertTrigger(key, null, null, url, AlertKind.AutoDisabled, "endpoint disabled", "HTTP 410 Gone")],
                TimeSpan.FromMinutes(15), BothChannels));
            await EngineAppFixture.EventuallyAsync(() => Task.FromResult(FailedSlackTries(url) >= 3), "Slack is tried, and refused, a few times", Patience);
            await EngineAppFixture.EventuallyAsync(() => Task.FromResult(PagerDutyEvents(dedupKey).Any()), "PagerDuty receives the trigger meanwhile", Patience);
            Assert.Equal("critical", PagerDutyEvents(dedupKey).Single().GetProperty("payload").GetProperty("severity").GetString());
            Assert.Equal(new Uri(url).Host, PagerDutyEvents(dedupKey).Single().GetProperty("payload").GetProperty("source").GetString());

            Assert.Equal(1, await app.Alerts.ResolveAsync([key]));
            await EngineAppFixture.EventuallyAsync(() => Task.FromResult(PagerDutyEvents(dedupKey).Count() == 2), "PagerDuty receives the resolve", Patience);

            var slack = (await ListedAsync(key, "resolved")).GetProperty("notifications").EnumerateArray()
                .Where(n => n.GetProperty("channel").GetString() == "slack").ToList();
            Assert.Equal(["trigger", "resolve"], slack.Select(n => n.GetProperty("action").GetString()));
            Assert.All(slack, n => Assert.Equal("pending", n.GetProperty("status").GetString()));
            Assert.True(slack[0].GetProperty("attempts").GetInt32() >= 3);
            Assert.Contains("503", slack[0].GetProperty("lastError").GetString());
            // The recovery waits behind the trigger: it has not even been tried.
            Assert.Equal(0, slack[1].GetProperty("attempts").GetInt32());
        }
        finally
        {
            app.Slack.StatusCode = 200;
        }

        await EngineAppFixture.EventuallyAsync(() => Task.FromResult(SlackMessages(url).Count() == 2), "Slack, back up, receives both messages", Patience);
        var messages = SlackMessages(url).Select(m => m.GetProperty("text").GetString()).ToList();
        Assert.StartsWith(":rotating_light: Webhook endpoint failing: ", messages[0]);
        Assert.StartsWith(":white_check_mark: Webhook endpoint recovered: ", messages[1]);
        await EngineAppFixture.EventuallyAsync(async () => (await ListedAsync(key, "resolved")).GetProperty("notifications").EnumerateArray()
            .All(n => n.GetProperty("status").GetString() == "sent"), "every notification is recorded as sent", Patience);
    }

    [Theory]
    [InlineData("state=open", "state")]
    [InlineData("state=", "state")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("state=firing&limit=-1", "limit")]
    public async Task BadQueries_AreProblemJson400s_NamingTheParameter(string query, string parameter)
    {
        using var response = await app.Api.GetAsync($"/alerts?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(parameter, out _), $"the problem names '{parameter}'");
    }

    [Fact]
    public async Task TheList_DefaultsToFifty_NewestFirst()
    {
        using var list = await app.Api.GetFromJsonAsync<JsonDocument>("/alerts");
        Assert.Equal(50, list!.RootElement.GetProperty("limit").GetInt32());
        var raised = list.RootElement.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("raisedAt").GetDateTimeOffset()).ToList();
        Assert.Equal(raised.OrderByDescending(r => r), raised);
    }

    private IEnumerable<JsonElement> PagerDutyEvents(string dedupKey) =>
        app.PagerDuty.Accepted.Where(e => e.GetProperty("dedup_key").GetString() == dedupKey);

    private IEnumerable<JsonElement> SlackMessages(string url) =>
        app.Slack.Accepted.Where(m => m.GetProperty("text").GetString()!.Contains(url, StringComparison.Ordinal));

    private int FailedSlackTries(string url) =>
        app.Slack.Arrivals.Count(r => !r.Succeeded && r.Body.Contains(url, StringComparison.Ordinal));

    private async Task<JsonElement> ListedAsync(string key, string state)
    {
        using var list = await app.Api.GetFromJsonAsync<JsonDocument>($"/alerts?state={state}&limit=500");
        return list!.RootElement.GetProperty("alerts").EnumerateArray().Single(a => a.GetProperty("targetKey").GetString() == key).Clone();
    }

    private static IEnumerable<string> Texts(JsonElement block)
    {
        if (block.TryGetProperty("text", out var text))
        {
            Assert.Equal("mrkdwn", text.GetProperty("type").GetString());
            yield return text.GetProperty("text").GetString()!;
        }
        if (block.TryGetProperty("fields", out var fields))
        {
            foreach (var field in fields.EnumerateArray())
            {
                Assert.Equal("mrkdwn", field.GetProperty("type").GetString());
                yield return field.GetProperty("text").GetString()!;
            }
        }
    }
}
