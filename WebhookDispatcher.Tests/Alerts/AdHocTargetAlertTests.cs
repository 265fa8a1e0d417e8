using WebhookDispatcher.Core.Signing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Alerts;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Tests.Infrastructure;
using WebhookDispatcher.Worker.Delivery;
using WebhookDispatcher.Core.Targets;

namespace WebhookDispatcher.Tests.Alerts;

/// <summary>
/// Whoever can submit events can name any number of failing ad-hoc URLs; that must not page on-call once per URL.
/// The Worker's outcome path (<see cref="TargetHealthRecorder"/>) on a real PostgreSQL: registered endpoints and the
/// default target keep an alert each, every ad-hoc target's failures go into one, at most one fires, it resolves only
/// when no ad-hoc target is failing, and the cooldown holds after it.
/// </summary>
public sealed class AdHocTargetAlertTests(ThrowawayPostgres postgres) : IClassFixture<ThrowawayPostgres>
{
    private const string DefaultTarget = "https://default.example/webhook";

    [Fact]
    public async Task ManyFailingAdHocUrls_RaiseOneAlert_NotOnePerUrl_WhileAnEndpointAndTheDefaultTargetKeepTheirOwn()
    {
        var recorder = new TargetHealthRecorder(
            new TargetStateStore(postgres.DataSource), new EndpointStore(postgres.DataSource, new SecretSealer(Options.Create(new SecretSealingOptions()))), new AlertStore(postgres.DataSource),
            Options.Create(new DispatcherOptions { DefaultTargetUrl = DefaultTarget }),
            Options.Create(new AlertOptions()), NullLogger<TargetHealthRecorder>.Instance);
        var endpointId = Guid.NewGuid();
        await postgres.ExecuteAsync("""
            INSERT INTO merchant_endpoints (id, merchant_id, url, secret) VALUES ($1, 'merchant_adhoc', 'https://merchant.example/hook', 'whsec_x')
            """, endpointId);
        var endpointKey = TargetKey.ForEndpoint(endpointId);

        // An attacker's first wave: 40 made-up URLs, each failing and dead; and an endpoint and the default target failing too.
        var wave = AdHocUrls("a", 40).Select(url => Dead(TargetKey.ForUrl(url), url)).ToList();
        wave.Add(Dead(endpointKey, "https://merchant.example/hook"));
        wave.Add(Dead(TargetKey.ForUrl(DefaultTarget), null));
        await recorder.RecordAsync(wave, CancellationToken.None);

        Assert.Equal(3L, await FiringAsync());
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE target_key = $1", AlertStore.AdHocTargetsKey));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE target_key = $1", endpointKey.Value));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE target_key = $1", TargetKey.ForUrl(DefaultTarget).Value));

        // A second wave of new URLs merges into the same alert.
        await recorder.RecordAsync(AdHocUrls("b", 40).Select(url => Dead(TargetKey.ForUrl(url), url)).ToList(), CancellationToken.None);
        Assert.Equal(3L, await FiringAsync());
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE target_key LIKE 'url:%' AND target_key <> $1",
            TargetKey.ForUrl(DefaultTarget).Value));

        // One ad-hoc URL recovering does not resolve it while others still fail; all of them recovering does.
        await recorder.RecordAsync([Delivered(TargetKey.ForUrl(AdHocUrls("a", 1)[0]))], CancellationToken.None);
        Assert.Equal(3L, await FiringAsync());
        await recorder.RecordAsync([.. AdHocUrls("a", 40).Concat(AdHocUrls("b", 40)).Select(url => Delivered(TargetKey.ForUrl(url)))], CancellationToken.None);
        Assert.Equal(2L, await FiringAsync());

        // A third wave within the cooldown raises nothing new: the cap is global, not per URL.
        await recorder.RecordAsync(AdHocUrls("c", 40).Select(url => Dead(TargetKey.ForUrl(url), url)).ToList(), CancellationToken.None);
        Assert.Equal(2L, await FiringAsync());
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE target_key = $1", AlertStore.AdHocTargetsKey));
    }

    private Task<long> FiringAsync() => postgres.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE resolved_at IS NULL");

    private static List<string> AdHocUrls(string wave, int count) =>
        [.. Enumerable.Range(0, count).Select(i => $"https://victim-{wave}{i}.example/hook")];

    private static DeliveryOutcome Dead(TargetKey targetKey, string? url) =>
        new(Random.Shared.NextInt64(1, long.MaxValue), 7, DeliveryStatus.Dead, TimeSpan.Zero, true, 500, "HTTP 500", DateTimeOffset.UtcNow, 5)
        {
            TargetKey = targetKey,
            MerchantId = "merchant_adhoc",
            TargetUrl = url,
        };

    private static DeliveryOutcome Delivered(TargetKey targetKey) =>
        new(Random.Shared.NextInt64(1, long.MaxValue), 0, DeliveryStatus.Delivered, TimeSpan.Zero, true, 200, null, DateTimeOffset.UtcNow, 5)
        {
            TargetKey = targetKey,
            MerchantId = "merchant_adhoc",
            TargetWasFailing = true,
        };
}
