using WebhookDispatcher.Core.Alerts;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Tests.Infrastructure;
using WebhookDispatcher.Core.Targets;

namespace WebhookDispatcher.Tests.Storage;

/// <summary>
/// Anyone with a key can name a new ad-hoc URL per event, and each leaves a row in <c>target_states</c>: idle ones
/// are pruned, so made-up URLs cannot grow the table without bound, while the default target's, endpoints', and any
/// target still being worked on (recently touched, circuit open, pace reserved) are kept.
/// </summary>
public sealed class TargetStatePruningTests(ThrowawayPostgres postgres) : IClassFixture<ThrowawayPostgres>
{
    private const string DefaultTarget = "https://default.example/webhook";

    [Fact]
    public async Task IdleAdHocTargets_ArePruned_ButNotTheDefaultTarget_AnEndpoint_OrATargetStillInUse()
    {
        var endpointId = Guid.NewGuid();
        await postgres.ExecuteAsync("""
            INSERT INTO merchant_endpoints (id, merchant_id, url, secret) VALUES ($1, 'merchant_prune', 'https://merchant.example/', 'whsec_x')
            """, endpointId);
        var old = "now() - interval '7 hours'";
        await postgres.ExecuteAsync($"""
            INSERT INTO target_states (target_key, endpoint_id, consecutive_failures, circuit_open_until, next_send_at, deferred_until, updated_at) VALUES
              ('url:https://idle-healthy.example/', NULL, 0, NULL, {old}, {old}, {old}),
              ('url:https://idle-failing.example/', NULL, 4, NULL, {old}, {old}, {old}),
              ('url:https://recent.example/', NULL, 0, NULL, now(), now(), now()),
              ('url:https://circuit-open.example/', NULL, 60, now() + interval '1 minute', {old}, {old}, {old}),
              ('url:https://paced-ahead.example/', NULL, 0, NULL, now() + interval '1 minute', {old}, {old}),
              ('url:{DefaultTarget}', NULL, 0, NULL, {old}, {old}, {old}),
              ($1::text, $1, 0, NULL, {old}, {old}, {old})
            """, endpointId);
        var store = new TargetStateStore(postgres.DataSource);

        var removed = await store.DeleteIdleAdHocAsync(TargetKey.ForUrl(DefaultTarget), DateTimeOffset.UtcNow.AddHours(-6), batchSize: 1);
        removed += await store.DeleteIdleAdHocAsync(TargetKey.ForUrl(DefaultTarget), DateTimeOffset.UtcNow.AddHours(-6), batchSize: 10);

        Assert.Equal(2, removed);
        var left = await postgres.ScalarAsync<string[]>("SELECT array_agg(target_key ORDER BY target_key) FROM target_states");
        Assert.Equal(new[]
        {
            endpointId.ToString(), "url:https://circuit-open.example/", "url:" + DefaultTarget, "url:https://paced-ahead.example/",
            "url:https://recent.example/",
        }.Order(StringComparer.Ordinal), left.Order(StringComparer.Ordinal));
        // The circuit-open one still counts failures; the idle failing one, gone, no longer does.
        Assert.True(await store.AnyAdHocFailingAsync(TargetKey.ForUrl(DefaultTarget)));
        await postgres.ExecuteAsync("DELETE FROM target_states WHERE target_key = 'url:https://circuit-open.example/'");
        Assert.False(await store.AnyAdHocFailingAsync(TargetKey.ForUrl(DefaultTarget)));
    }
}
