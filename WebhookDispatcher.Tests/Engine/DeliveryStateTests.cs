using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Engine;

/// <summary>
/// What an event's and a delivery's state say, end to end: an event nobody subscribes to is not passed off as
/// delivered, and a deleted endpoint's dead deliveries are never sent again, by hand or in bulk.
/// </summary>
[Collection(EngineAppCollection.Name)]
public sealed class DeliveryStateTests(EngineAppFixture app) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    public async Task InitializeAsync() => await app.SetReceiverChaosAsync(0, 0);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AMistypedEventType_NoEndpointSubscribesTo_ReadsUnrouted_NotDelivered_AndIsCounted()
    {
        const string merchant = "merchant_unrouted";
        using (var registered = await app.Api.PostAsJsonAsync($"/merchants/{merchant}/endpoints",
                   new { url = app.ReceiverUrl + "webhook/" + merchant, eventTypes = new[] { "payment.succeeded" } }))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }
        var unroutedBefore = await UnroutedCountAsync();

        using var accepted = await app.Api.PostAsJsonAsync("/events", new { merchantId = merchant, type = "payment.succeded", data = new { amount = 1 } });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        using var body = await accepted.Content.ReadFromJsonAsync<JsonDocument>();
        var id = body!.RootElement.GetProperty("id").GetGuid();
        Assert.Equal("unrouted", body.RootElement.GetProperty("status").GetString());

        using var details = await app.Api.GetFromJsonAsync<JsonDocument>($"/events/{id}");
        Assert.Equal("unrouted", details!.RootElement.GetProperty("status").GetString());
        Assert.Equal(0, details.RootElement.GetProperty("deliveries").GetArrayLength());
        using var status = await app.Api.GetFromJsonAsync<JsonDocument>($"/status/{id}");
        Assert.Equal("unrouted", status!.RootElement.GetProperty("status").GetString());
        Assert.Equal(unroutedBefore + 1, await UnroutedCountAsync());

        using var listed = await app.Api.GetFromJsonAsync<JsonDocument>($"/events?status=unrouted&merchantId={merchant}");
        Assert.Contains(listed!.RootElement.GetProperty("events").EnumerateArray(), e => e.GetProperty("id").GetGuid() == id);
        using var delivered = await app.Api.GetFromJsonAsync<JsonDocument>($"/events?status=delivered&merchantId={merchant}");
        Assert.DoesNotContain(delivered!.RootElement.GetProperty("events").EnumerateArray(), e => e.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task ADeletedEndpointsDeadDelivery_RetriedByHandOrInBulk_IsRefused_AndNothingIsSentToItsOldUrl()
    {
        const string merchant = "merchant_deleted";
        // The merchant's server: gone (410), so the delivery dies at once.
        await using var server = await LoopbackReceiver.StartAsync(410);
        using var registered = await app.Api.PostAsJsonAsync($"/merchants/{merchant}/endpoints", new { url = new Uri(server.Url, "/hook").ToString() });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        using var endpoint = await registered.Content.ReadFromJsonAsync<JsonDocument>();
        var endpointId = endpoint!.RootElement.GetProperty("id").GetGuid();

        using var accepted = await app.Api.PostAsJsonAsync("/events", new { merchantId = merchant, type = "payment.succeeded", data = new { amount = 1 } });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        using var body = await accepted.Content.ReadFromJsonAsync<JsonDocument>();
        var eventId = body!.RootElement.GetProperty("id").GetGuid();
        await EngineAppFixture.EventuallyAsync(async () => await StatusOfAsync(eventId) == "dead", "the delivery to a gone server is dead", Patience);
        using var dead = await app.Api.GetFromJsonAsync<JsonDocument>($"/events/{eventId}");
        var deliveryId = dead!.RootElement.GetProperty("deliveries")[0].GetProperty("id").GetInt64();

        using (var deleted = await app.Api.DeleteAsync($"/merchants/{merchant}/endpoints/{endpointId}"))
        {
            Assert.True(deleted.IsSuccessStatusCode, $"delete answered {(int)deleted.StatusCode}");
        }
        // Whoever holds the old URL now would take anything sent there.
        server.StatusCode = 200;
        var arrivalsBefore = server.Arrivals.Count;

        using (var retry = await app.Api.PostAsync($"/deliveries/{deliveryId}/retry", null))
        {
            await AssertEndpointDeletedProblemAsync(retry);
        }
        using (var retryEvent = await app.Api.PostAsync($"/events/{eventId}/retry", null))
        {
            await AssertEndpointDeletedProblemAsync(retryEvent);
        }
        using (var bulk = await app.Api.PostAsJsonAsync("/deliveries/retry", new { merchantId = merchant }))
        {
            Assert.Equal(HttpStatusCode.OK, bulk.StatusCode);
            using var result = await bulk.Content.ReadFromJsonAsync<JsonDocument>();
            Assert.Equal(0, result!.RootElement.GetProperty("retried").GetInt64());
            Assert.Equal(1, result.RootElement.GetProperty("skippedEndpointDeleted").GetInt64());
        }
        using var shown = await app.Api.GetFromJsonAsync<JsonDocument>($"/deliveries/{deliveryId}");
        Assert.True(shown!.RootElement.GetProperty("endpointDeleted").GetBoolean());

        // A later event, to the default target, delivered: the Workers have claimed since the retries were refused.
        using var later = await app.Api.PostAsJsonAsync("/events", new { merchantId = "merchant_after_delete", type = "payment.succeeded", data = new { amount = 2 } });
        using var laterBody = await later.Content.ReadFromJsonAsync<JsonDocument>();
        var laterId = laterBody!.RootElement.GetProperty("id").GetGuid();
        await EngineAppFixture.EventuallyAsync(async () => await StatusOfAsync(laterId) == "delivered", "a later event is delivered", Patience);

        Assert.Equal("dead", await app.QueryScalarAsync<string>("SELECT status FROM deliveries WHERE id = $1", deliveryId));
        Assert.Equal(arrivalsBefore, server.Arrivals.Count);
    }

    private static async Task AssertEndpointDeletedProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = await response.Content.ReadFromJsonAsync<JsonDocument>();
        Assert.Equal("Endpoint deleted", problem!.RootElement.GetProperty("title").GetString());
        Assert.Contains("deleted", problem.RootElement.GetProperty("detail").GetString());
    }

    private async Task<long> UnroutedCountAsync()
    {
        using var all = await app.Api.GetFromJsonAsync<JsonDocument>("/status/all");
        return all!.RootElement.GetProperty("unrouted").GetInt64();
    }

    private async Task<string?> StatusOfAsync(Guid id)
    {
        using var status = await app.Api.GetFromJsonAsync<JsonDocument>($"/status/{id}");
        return status!.RootElement.GetProperty("status").GetString();
    }
}
