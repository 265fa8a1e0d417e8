using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Tests.Dashboard;

/// <summary>
/// Stands in for WebhookDispatcher.Api on a random port: the routes the Deliveries pages call, answering with the
/// same JSON shapes (Core's records, camelCase), and a record of the retries asked for.
/// </summary>
public sealed class FakeApi : IAsyncDisposable
{
    public static readonly Guid DeliveredEventId = Guid.Parse("4b7f0c1e-5d2a-4f8e-9a61-2c3d4e5f6a7b");
    public static readonly Guid DeadEventId = Guid.Parse("9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f");
    public static readonly Guid PendingEventId = Guid.Parse("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d");
    public const long DeadDeliveryId = 8;

    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private bool _deadRetried;

    private FakeApi(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public List<long> Retries { get; } = [];

    /// <summary>The traceparent stored with the delivered event, pointing at the seeded ingestion trace.</summary>
    public string Traceparent { get; set; } = "00-00000000000000000000000000000001-0000000000000001-01";

    public static async Task<FakeApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var api = new FakeApi(app);
        api.Map(app);
        await app.StartAsync();
        api.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return api;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/status/all", () => Results.Ok(new { pending = 1, inFlight = 0, delivered = 41, dead = DeadCount, total = 42 + DeadCount }));
        app.MapGet("/events", (string? status) => Results.Ok(new
        {
            page = 1,
            limit = 50,
            events = Events().Where(e => status is null || e.Status == status),
        }));
        app.MapGet("/events/{id:guid}", (Guid id) => EventDetail(id) is { } details ? Results.Ok(details) : Results.Problem(statusCode: 404, title: "Not found", detail: $"No event {id}."));
        app.MapGet("/deliveries", (string? status) => Results.Ok(new
        {
            page = 1,
            limit = 50,
            deliveries = status == "dead" && DeadCount == 1 ? [DeadDelivery()] : Array.Empty<DeliveryDetails>(),
        }));
        app.MapPost("/deliveries/{id:long}/retry", (long id) =>
        {
            lock (_lock)
            {
                Retries.Add(id);
                if (id != DeadDeliveryId || _deadRetried)
                {
                    return Results.Problem(statusCode: 409, title: "Not dead", detail: $"Delivery {id} is pending; only a dead delivery can be retried.");
                }
                _deadRetried = true;
            }
            return Results.Accepted($"/deliveries/{id}", new { retried = new[] { id } });
        });
        app.MapGet("/endpoints/health", () => Results.Ok(new[]
        {
            new EndpointHealth(Guid.Parse("11111111-2222-4333-8444-555555555555"), "merchant_42", "https://shop.example/webhooks", true, 1, 40, 0, DateTimeOffset.UtcNow.AddSeconds(-12), 200),
            new EndpointHealth(Guid.Parse("66666666-7777-4888-8999-aaaaaaaaaaaa"), "merchant_7", "https://down.example/hooks", true, 0, 1, DeadCount, DateTimeOffset.UtcNow.AddMinutes(-3), 503),
        }));
    }

    private int DeadCount
    {
        get
        {
            lock (_lock)
            {
                return _deadRetried ? 0 : 1;
            }
        }
    }

    private IEnumerable<EventSummary> Events()
    {
        var now = DateTimeOffset.UtcNow;
        yield return new EventSummary(PendingEventId, "merchant_42", "payment.refunded", "pending", 1, now.AddSeconds(-3));
        yield return new EventSummary(DeliveredEventId, "merchant_42", "payment.succeeded", "delivered", 1, now.AddSeconds(-20));
        yield return new EventSummary(DeadEventId, "merchant_7", "payment.failed", DeadCount == 1 ? "dead" : "pending", 1, now.AddMinutes(-9));
    }

    private EventDetails? EventDetail(Guid id)
    {
        var now = DateTimeOffset.UtcNow;
        if (id == DeliveredEventId)
        {
            var created = now.AddSeconds(-20);
            return new EventDetails(id, "merchant_42", "payment.succeeded", "delivered",
                """{"merchantId":"merchant_42","amount":4999,"currency":"EUR","transactionId":"tx_1001"}""", "order-1001", null, Traceparent, created,
                [
                    new DeliveryDetails(7, id, null, "http://localhost:4000/webhook", "delivered", 2, null, 200, null, created, created.AddSeconds(4.4),
                    [
                        new DeliveryAttempt(1, created.AddMilliseconds(60), 2000, 503, "HTTP 503 Service Unavailable", "worker-1"),
                        new DeliveryAttempt(2, created.AddMilliseconds(4200), 140, 200, null, "worker-1"),
                    ]),
                ]);
        }
        if (id == DeadEventId)
        {
            var created = now.AddMinutes(-9);
            var dead = DeadDelivery();
            return new EventDetails(id, "merchant_7", "payment.failed", dead.Status, """{"merchantId":"merchant_7","amount":1250,"currency":"USD","transactionId":"tx_77"}""",
                null, null, null, created, [dead]);
        }
        return null;
    }

    private DeliveryDetails DeadDelivery()
    {
        var created = DateTimeOffset.UtcNow.AddMinutes(-9);
        var status = DeadCount == 1 ? "dead" : "pending";
        return new DeliveryDetails(DeadDeliveryId, DeadEventId, Guid.Parse("66666666-7777-4888-8999-aaaaaaaaaaaa"), "https://down.example/hooks", status, 3,
            status == "pending" ? DateTimeOffset.UtcNow.AddSeconds(2) : null, 503, "HTTP 503 Service Unavailable", created, null,
            [
                new DeliveryAttempt(1, created.AddSeconds(1), 812, 503, "HTTP 503 Service Unavailable", "worker-1"),
                new DeliveryAttempt(2, created.AddSeconds(3), 10000, null, "timeout after 10s", "worker-1"),
                new DeliveryAttempt(3, created.AddSeconds(17), 655, 503, "HTTP 503 Service Unavailable", "worker-2"),
            ]);
    }
}
