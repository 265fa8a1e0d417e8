using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Alerts;
using WebhookDispatcher.Core.Signing;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Core.Targets;
using WebhookDispatcher.Tests.Infrastructure;
using WebhookDispatcher.Worker.Delivery;

namespace WebhookDispatcher.Tests.Alerts;

/// <summary>An endpoint disabled because it answered 410 Gone: its alert says it was disabled, not only that a delivery died.</summary>
public sealed class EndpointGoneAlertTests(ThrowawayPostgres postgres) : IClassFixture<ThrowawayPostgres>
{
    [Fact]
    public async Task AnEndpointThatAnswered410_HasItsAlertListAutoDisabled()
    {
        var recorder = new TargetHealthRecorder(
            new TargetStateStore(postgres.DataSource), new EndpointStore(postgres.DataSource, new SecretSealer(Options.Create(new SecretSealingOptions()))),
            new AlertStore(postgres.DataSource), Options.Create(new DispatcherOptions()), Options.Create(new AlertOptions()), NullLogger<TargetHealthRecorder>.Instance);
        var endpointId = Guid.NewGuid();
        await postgres.ExecuteAsync("""
            INSERT INTO merchant_endpoints (id, merchant_id, url, secret) VALUES ($1, 'merchant_gone', 'https://gone.example/hook', 'whsec_x')
            """, endpointId);
        var gone = new DeliveryOutcome(Random.Shared.NextInt64(1, long.MaxValue), 0, DeliveryStatus.Dead, TimeSpan.Zero, true, 410,
            "HTTP 410 Gone: the endpoint is disabled.", DateTimeOffset.UtcNow, 3)
        {
            TargetKey = TargetKey.ForEndpoint(endpointId),
            MerchantId = "merchant_gone",
            TargetUrl = "https://gone.example/hook",
            EndpointGone = true,
        };

        await recorder.RecordAsync([gone], CancellationToken.None);

        var alert = Assert.Single(await new AlertStore(postgres.DataSource).ListAsync("firing", 10), a => a.EndpointId == endpointId);
        Assert.Contains(AlertKind.AutoDisabled, alert.Kinds);
        Assert.Contains(AlertKind.Dead, alert.Kinds);
    }
}
