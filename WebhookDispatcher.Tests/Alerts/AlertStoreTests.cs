using WebhookDispatcher.Core.Alerts;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Alerts;

/// <summary>
/// The alert store's SQL on a real PostgreSQL: one incident per target however many Workers raise at once, kinds
/// merged, the cooldown, resolves queued per channel, the outbox's order and leases, and resolving a target with
/// nothing firing costing no write at all.
/// </summary>
public sealed class AlertStoreTests(ThrowawayPostgres postgres) : IClassFixture<ThrowawayPostgres>
{
    private static readonly string[] BothChannels = [AlertChannel.Slack, AlertChannel.PagerDuty];
    private static readonly TimeSpan Cooldown = TimeSpan.FromMinutes(15);

    private AlertStore Store => new(postgres.DataSource);

    [Fact]
    public async Task ConcurrentRaises_ForOneTarget_MakeOneFiringAlert_WithEveryKind_AndOneTriggerPerChannel()
    {
        var keys = Enumerable.Range(0, 6).Select(_ => NewKey()).ToList();
        var kinds = AlertKind.All;

        // Every target raised by eight "Workers" at once, each with its own kind (and some twice), all released together.
        using var start = new ManualResetEventSlim();
        var raises = keys.SelectMany(key => Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await Store.RaiseAsync([Trigger(key, kinds[i % kinds.Count], $"error {i}")], Cooldown, BothChannels);
        }))).ToList();
        start.Set();
        var raised = await Task.WhenAll(raises);

        Assert.Equal(keys.Count, raised.Sum());
        foreach (var key in keys)
        {
            Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE target_key = $1", key));
            var stored = await postgres.ScalarAsync<string[]>("SELECT kinds FROM alerts WHERE target_key = $1", key);
            Assert.Equal(kinds.Order(), stored.Order());
            Assert.Equal(2L, await postgres.ScalarAsync<long>(
                "SELECT count(*) FROM alert_notifications WHERE target_key = $1 AND action = 'trigger'", key));
        }
    }

    [Fact]
    public async Task OneBatch_WithSeveralTriggersForATarget_RaisesOneAlert_AndALaterTriggerMergesWithoutSending()
    {
        var key = NewKey();
        Assert.Equal(1, await Store.RaiseAsync(
            [Trigger(key, AlertKind.ConsecutiveFailures, "HTTP 500"), Trigger(key, AlertKind.CircuitOpen, "HTTP 503")], Cooldown, BothChannels));
        Assert.Equal(0, await Store.RaiseAsync([Trigger(key, AlertKind.Dead, "Timed out after 10 s.")], Cooldown, BothChannels));

        var alert = Assert.Single(await Store.ListAsync(AlertState.Firing, 500), a => a.TargetKey == key);
        Assert.Equal([AlertKind.ConsecutiveFailures, AlertKind.CircuitOpen, AlertKind.Dead], alert.Kinds);
        Assert.Equal("Timed out after 10 s.", alert.Detail);
        Assert.Equal(2, alert.Notifications.Count);
        Assert.All(alert.Notifications, n => Assert.Equal((AlertAction.Trigger, AlertNotificationStatus.Pending), (n.Action, n.Status)));
    }

    [Fact]
    public async Task TheSameTriggerAgain_WritesNothing()
    {
        var key = NewKey();
        await Store.RaiseAsync([Trigger(key, AlertKind.ConsecutiveFailures, "HTTP 500")], Cooldown, BothChannels);
        var version = await postgres.ScalarAsync<string>("SELECT xmin::text FROM alerts WHERE target_key = $1", key);

        Assert.Equal(0, await Store.RaiseAsync([Trigger(key, AlertKind.ConsecutiveFailures, "HTTP 500")], Cooldown, BothChannels));

        Assert.Equal(version, await postgres.ScalarAsync<string>("SELECT xmin::text FROM alerts WHERE target_key = $1", key));
    }

    [Fact]
    public async Task AfterAResolve_TheSameKind_RaisesNothingWithinTheCooldown_ButAnotherKindDoes_AndAfterTheCooldownItDoes()
    {
        var key = NewKey();
        Assert.Equal(1, await Store.RaiseAsync([Trigger(key, AlertKind.ConsecutiveFailures)], Cooldown, BothChannels));
        Assert.Equal(1, await Store.ResolveAsync([key]));

        Assert.Equal(0, await Store.RaiseAsync([Trigger(key, AlertKind.ConsecutiveFailures)], Cooldown, BothChannels));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE target_key = $1", key));

        // Another kind is another reason to page: a new alert, and the cooled kind merges into it.
        Assert.Equal(1, await Store.RaiseAsync([Trigger(key, AlertKind.AutoDisabled)], Cooldown, BothChannels));
        Assert.Equal(0, await Store.RaiseAsync([Trigger(key, AlertKind.ConsecutiveFailures)], Cooldown, BothChannels));
        Assert.Equal(1, await Store.ResolveAsync([key]));

        Assert.Equal(0, await Store.RaiseAsync([Trigger(key, AlertKind.ConsecutiveFailures), Trigger(key, AlertKind.AutoDisabled)], Cooldown, BothChannels));

        // The cooldown counts from when the earlier alerts were raised: move them back past it.
        await postgres.ExecuteAsync("UPDATE alerts SET raised_at = raised_at - interval '16 minutes' WHERE target_key = $1", key);
        Assert.Equal(1, await Store.RaiseAsync([Trigger(key, AlertKind.ConsecutiveFailures)], Cooldown, BothChannels));
        Assert.Equal(3L, await postgres.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE target_key = $1", key));
    }

    [Fact]
    public async Task Resolve_QueuesAResolveForEachChannelTheTriggerWasFor()
    {
        var key = NewKey();
        var slackOnly = NewKey();
        var silent = NewKey();
        await Store.RaiseAsync([Trigger(key, AlertKind.Dead)], Cooldown, BothChannels);
        await Store.RaiseAsync([Trigger(slackOnly, AlertKind.Dead)], Cooldown, [AlertChannel.Slack]);
        await Store.RaiseAsync([Trigger(silent, AlertKind.Dead)], Cooldown, []);

        Assert.Equal(3, await Store.ResolveAsync([key, slackOnly, silent, NewKey()]));
        Assert.Equal(0, await Store.ResolveAsync([key, slackOnly, silent]));

        var alerts = (await Store.ListAsync(AlertState.Resolved, 500)).ToDictionary(a => a.TargetKey);
        Assert.Equal(
            [(AlertAction.Resolve, AlertChannel.PagerDuty), (AlertAction.Resolve, AlertChannel.Slack), (AlertAction.Trigger, AlertChannel.PagerDuty), (AlertAction.Trigger, AlertChannel.Slack)],
            alerts[key].Notifications.Select(n => (n.Action, n.Channel)).Order());
        Assert.All(alerts[key].Notifications.Take(2), n => Assert.Equal(AlertAction.Trigger, n.Action));
        Assert.Equal([(AlertChannel.Slack, AlertAction.Trigger), (AlertChannel.Slack, AlertAction.Resolve)], alerts[slackOnly].Notifications.Select(n => (n.Channel, n.Action)));
        // No channel configured: the alert is still stored, raised and resolved, and listed.
        Assert.Empty(alerts[silent].Notifications);
        Assert.All(alerts.Values, a => Assert.Equal(AlertState.Resolved, a.State));
        Assert.All(alerts.Values, a => Assert.NotNull(a.ResolvedAt));
        Assert.DoesNotContain(await Store.ListAsync(AlertState.Firing, 500), a => alerts.ContainsKey(a.TargetKey));
    }

    [Fact]
    public async Task ResolvingTargetsWithNothingFiring_WritesNothing()
    {
        var resolved = NewKey();
        await Store.RaiseAsync([Trigger(resolved, AlertKind.Dead)], Cooldown, BothChannels);
        await Store.ResolveAsync([resolved]);
        await Store.RaiseAsync([Trigger(NewKey(), AlertKind.Dead)], Cooldown, BothChannels); // firing, but not asked about

        // The next transaction id is only taken by a transaction that writes (autovacuum is off in this server),
        // so an unchanged one means no write happened anywhere in the database.
        const string NextXid = "SELECT pg_snapshot_xmax(pg_current_snapshot())::text";
        var before = await postgres.ScalarAsync<string>(NextXid);
        var keys = Enumerable.Range(0, 200).Select(_ => NewKey()).Append(resolved).ToList();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(0, await Store.ResolveAsync(keys));
        }
        Assert.Equal(before, await postgres.ScalarAsync<string>(NextXid));
    }

    [Fact]
    public async Task AResolve_IsClaimedOnlyAfterItsTrigger_IsSent()
    {
        var key = NewKey();
        await Store.RaiseAsync([Trigger(key, AlertKind.Dead)], Cooldown, BothChannels);
        await Store.ResolveAsync([key]);

        var first = Mine(await Store.ClaimNotificationsAsync(100, "worker-a", TimeSpan.FromMinutes(1), [AlertChannel.Slack]), key);
        Assert.Equal(AlertAction.Trigger, Assert.Single(first).Action);
        // Failing and due again at once: still the trigger's turn, and the resolve waits behind it.
        Assert.True(await Store.RecordSendAsync(new AlertSendResult(first[0].Id, 0, AlertNotificationStatus.Pending, TimeSpan.Zero, "HTTP 503 Service Unavailable"), "worker-a"));
        var again = Mine(await Store.ClaimNotificationsAsync(100, "worker-b", TimeSpan.FromMinutes(1), [AlertChannel.Slack]), key);
        Assert.Equal((first[0].Id, 1), (Assert.Single(again).Id, again[0].Attempts));

        Assert.True(await Store.RecordSendAsync(new AlertSendResult(again[0].Id, 1, AlertNotificationStatus.Sent, TimeSpan.Zero, null), "worker-b"));
        var resolve = Mine(await Store.ClaimNotificationsAsync(100, "worker-a", TimeSpan.FromMinutes(1), [AlertChannel.Slack]), key);
        Assert.Equal(AlertAction.Resolve, Assert.Single(resolve).Action);
        Assert.NotNull(resolve[0].ResolvedAt);

        var slack = (await Store.ListAsync(null, 500)).Single(a => a.TargetKey == key).Notifications.First(n => n.Channel == AlertChannel.Slack);
        Assert.Equal((AlertNotificationStatus.Sent, 2, "HTTP 503 Service Unavailable"), (slack.Status, slack.Attempts, slack.LastError));
        Assert.NotNull(slack.SentAt);
    }

    [Fact]
    public async Task AClaim_IsHeldForItsLease_ThenAnotherWorkerTakesIt_AndTheFirstCanNoLongerRecord()
    {
        var key = NewKey();
        await Store.RaiseAsync([Trigger(key, AlertKind.Dead)], Cooldown, [AlertChannel.PagerDuty]);

        var claimed = Assert.Single(Mine(await Store.ClaimNotificationsAsync(100, "worker-a", TimeSpan.FromMinutes(1), [AlertChannel.PagerDuty]), key));
        Assert.Empty(Mine(await Store.ClaimNotificationsAsync(100, "worker-b", TimeSpan.FromMinutes(1), [AlertChannel.PagerDuty]), key));

        // Worker A dies: its lease runs out (moved into the past rather than waited for).
        await postgres.ExecuteAsync("UPDATE alert_notifications SET next_attempt_at = now() - interval '1 second' WHERE id = $1", claimed.Id);
        var taken = Assert.Single(Mine(await Store.ClaimNotificationsAsync(100, "worker-b", TimeSpan.FromMinutes(1), [AlertChannel.PagerDuty]), key));
        Assert.Equal(claimed.Id, taken.Id);

        Assert.False(await Store.RecordSendAsync(new AlertSendResult(claimed.Id, 0, AlertNotificationStatus.Sent, TimeSpan.Zero, null), "worker-a"));
        Assert.True(await Store.RecordSendAsync(new AlertSendResult(taken.Id, 0, AlertNotificationStatus.Failed, TimeSpan.Zero, "HTTP 400 Bad Request: invalid routing key"), "worker-b"));
        Assert.Empty(Mine(await Store.ClaimNotificationsAsync(100, "worker-a", TimeSpan.FromMinutes(1), [AlertChannel.PagerDuty]), key));

        // A trigger that failed for good has no resolve queued after it.
        await Store.ResolveAsync([key]);
        var notifications = (await Store.ListAsync(null, 500)).Single(a => a.TargetKey == key).Notifications;
        Assert.Equal((AlertAction.Trigger, AlertNotificationStatus.Failed, 1), (Assert.Single(notifications).Action, notifications[0].Status, notifications[0].Attempts));
    }

    [Fact]
    public async Task List_IsNewestFirst_FilteredByState_AndLimited()
    {
        var keys = Enumerable.Range(0, 3).Select(_ => NewKey()).ToList();
        foreach (var key in keys)
        {
            await Store.RaiseAsync([Trigger(key, AlertKind.CircuitOpen)], Cooldown, []);
        }
        await Store.ResolveAsync([keys[0]]);

        var newest = await Store.ListAsync(null, 2);
        Assert.Equal([keys[2], keys[1]], newest.Select(a => a.TargetKey));
        Assert.DoesNotContain(await Store.ListAsync(AlertState.Firing, 500), a => a.TargetKey == keys[0]);
        Assert.Contains(await Store.ListAsync(AlertState.Resolved, 500), a => a.TargetKey == keys[0]);
        var alert = newest[0];
        Assert.Equal((AlertState.Firing, "merchant_alerts", $"https://{keys[2]}.example/webhook"), (alert.State, alert.MerchantId, alert.TargetUrl));
    }

    [Fact]
    public async Task Retention_RemovesOldResolvedAlerts_ButNeverOneStillFiring_OrWithAMessageUnsent()
    {
        var (done, unsent, firing) = (NewKey(), NewKey(), NewKey());
        await Store.RaiseAsync([Trigger(done, AlertKind.Dead)], Cooldown, []);
        await Store.RaiseAsync([Trigger(unsent, AlertKind.Dead)], Cooldown, [AlertChannel.Slack]);
        await Store.RaiseAsync([Trigger(firing, AlertKind.Dead)], Cooldown, []);
        await Store.ResolveAsync([done, unsent]);
        await postgres.ExecuteAsync("UPDATE alerts SET raised_at = raised_at - interval '40 days', resolved_at = resolved_at - interval '40 days' WHERE target_key = ANY ($1)",
            (object)new[] { done, unsent, firing });

        while (await Store.DeleteResolvedAsync(DateTimeOffset.UtcNow.AddDays(-30), 1) > 0)
        {
        }

        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE target_key = $1", done));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE target_key = $1", unsent));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE target_key = $1", firing));
    }

    private static string NewKey() => Guid.NewGuid().ToString();

    private static AlertTrigger Trigger(string key, string kind, string? detail = null) =>
        new(key, Guid.TryParse(key, out var id) ? id : null, "merchant_alerts", $"https://{key}.example/webhook", kind, $"{kind} on {key}", detail);

    private static List<ClaimedAlertNotification> Mine(IReadOnlyList<ClaimedAlertNotification> claimed, string key) => [.. claimed.Where(n => n.TargetKey == key)];
}
