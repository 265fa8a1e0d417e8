using System.Text.Json;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using WebhookDispatcher.Api.Models;

namespace WebhookDispatcher.Tests.Storage;

/// <summary>GET /events/{id} gives the payload back as the JSON the producer sent, not as a string of it.</summary>
public class EventDetailsJsonTests
{
    // What minimal APIs serialize with (the Api only changes the ignore condition).
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    private static EventDetailsResponse Event(string payloadJson) => new(
        Guid.CreateVersion7(), "merchant_123", "payment.succeeded", "delivered", payloadJson, null, null, null,
        DateTimeOffset.UtcNow, []);

    [Theory]
    [InlineData("""{"amount":4999,"currency":"INR"}""", JsonValueKind.Object)]
    [InlineData("""[1,"a",null]""", JsonValueKind.Array)]
    public void ThePayload_IsJson_NotAJsonEncodedString(string payload, JsonValueKind kind)
    {
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(Event(payload), Web));

        var written = document.RootElement.GetProperty("payload");
        Assert.Equal(kind, written.ValueKind);
        Assert.Equal(payload, written.GetRawText());
        Assert.False(document.RootElement.TryGetProperty("payloadJson", out _));
    }

    [Fact]
    public void AClientReadingTheAnswer_GetsThePayloadTextBack()
    {
        const string Payload = """{"order_id":"abc-123","amount":99.99,"nested":{"tags":["a","b"]}}""";

        var read = JsonSerializer.Deserialize<EventDetailsResponse>(JsonSerializer.Serialize(Event(Payload), Web), Web)!;

        Assert.Equal(Payload, read.Payload);
    }

    [Fact]
    public void TheSchema_DoesNotCallThePayloadAString()
    {
        // The OpenAPI document is built from this schema: it must not promise clients a string.
        var schema = Web.GetJsonSchemaAsNode(typeof(EventDetailsResponse));

        var payload = schema["properties"]!["payload"]!.ToJsonString();
        Assert.DoesNotContain("string", payload);
    }
}
