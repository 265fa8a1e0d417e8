using System.Text;
using System.Text.Json;
using WebhookDispatcher.Core.Delivery;

namespace WebhookDispatcher.Tests.Delivery;

public class WebhookEnvelopeTests
{
    [Fact]
    public void Envelope_CarriesTheEvent_AndThePayloadByteForByte()
    {
        var id = Guid.NewGuid();
        const string payload = "{ \"amount\" : 4999.10,\"note\":\"caf\\u00e9\" }";

        var body = WebhookEnvelope.Build(id, "payment.succeeded", "merchant_123", DateTimeOffset.UnixEpoch, payload);
        var text = Encoding.UTF8.GetString(body);

        Assert.Contains("\"data\":" + payload, text);
        using var document = JsonDocument.Parse(body);
        Assert.Equal(id, document.RootElement.GetProperty("id").GetGuid());
        Assert.Equal("payment.succeeded", document.RootElement.GetProperty("type").GetString());
        Assert.Equal("merchant_123", document.RootElement.GetProperty("merchantId").GetString());
        Assert.Equal(4999.10m, document.RootElement.GetProperty("data").GetProperty("amount").GetDecimal());
    }

    [Fact]
    public void Envelope_IsTheSameOnEveryAttempt()
    {
        var id = Guid.NewGuid();
        var first = WebhookEnvelope.Build(id, "t", "m", DateTimeOffset.UnixEpoch, "[1,2]");
        var second = WebhookEnvelope.Build(id, "t", "m", DateTimeOffset.UnixEpoch, "[1,2]");

        Assert.Equal(first, second);
    }
}
