using System.Buffers;
using System.Text.Json;

namespace WebhookDispatcher.Core.Delivery;

/// <summary>
/// The body a merchant receives: <c>{"id","type","merchantId","createdAt","data"}</c>, where data is the
/// producer's payload byte for byte as it was sent. Built the same way on every attempt, so a retry
/// carries the same body and merchants can dedupe on <c>webhook-id</c>.
/// </summary>
public static class WebhookEnvelope
{
    public static byte[] Build(Guid eventId, string type, string merchantId, DateTimeOffset createdAt, string payloadJson)
    {
        var buffer = new ArrayBufferWriter<byte>(payloadJson.Length + 192);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", eventId);
            writer.WriteString("type", type);
            writer.WriteString("merchantId", merchantId);
            writer.WriteString("createdAt", createdAt.ToUniversalTime());
            writer.WritePropertyName("data");
            writer.WriteRawValue(payloadJson, skipInputValidation: true);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
