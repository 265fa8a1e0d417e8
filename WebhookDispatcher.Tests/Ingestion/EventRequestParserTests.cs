using System.Text.Json;
using WebhookDispatcher.Api.Ingestion;
using WebhookDispatcher.Core.Targets;

namespace WebhookDispatcher.Tests.Ingestion;

public class EventRequestParserTests
{
    private readonly EventRequestParser _parser = new(new TargetUrlPolicy(allowPrivateTargets: false));

    private async Task<(EventRequest? Request, Dictionary<string, string[]> Errors)> Parse(string json, string? header = null)
    {
        using var document = JsonDocument.Parse(json);
        var errors = new Dictionary<string, string[]>();
        var request = await _parser.ParseAsync(document.RootElement, header, "", errors, CancellationToken.None);
        return (request, errors);
    }

    [Fact]
    public async Task Canonical_IsAccepted_WithDataAsSent()
    {
        var (request, errors) = await Parse("""{"merchantId":"m_1","type":"refund.issued","data":{"refundId":"rf_1", "amount": 1.50},"idempotencyKey":"k-1"}""");

        Assert.Empty(errors);
        Assert.Equal(new EventRequest("m_1", "refund.issued", """{"refundId":"rf_1", "amount": 1.50}""", "k-1", null), request);
    }

    [Fact]
    public async Task PaymentSeedShape_IsAPaymentSucceededEvent_WhoseDataIsTheBody()
    {
        const string body = """{"merchantId":"merchant_123","amount":4999,"currency":"INR","transactionId":"txn_001"}""";

        var (request, errors) = await Parse(body);

        Assert.Empty(errors);
        Assert.Equal("merchant_123", request!.MerchantId);
        Assert.Equal(EventRequestParser.PaymentEventType, request.Type);
        Assert.Equal(body, request.PayloadJson);
        Assert.Null(request.TargetUrl);
    }

    [Fact]
    public async Task AdHocSeedShape_CarriesItsTarget()
    {
        var parser = new EventRequestParser(new TargetUrlPolicy(allowPrivateTargets: true));
        using var document = JsonDocument.Parse("""{"target_url":"http://localhost:4000/webhook","payload":{"order_id":"abc-123","amount":99.99}}""");
        var errors = new Dictionary<string, string[]>();

        var request = await parser.ParseAsync(document.RootElement, null, "", errors, CancellationToken.None);

        Assert.Empty(errors);
        Assert.Equal("http://localhost:4000/webhook", request!.TargetUrl);
        Assert.Equal(EventRequestParser.AdHocMerchantId, request.MerchantId);
        Assert.Equal("""{"order_id":"abc-123","amount":99.99}""", request.PayloadJson);
    }

    [Theory]
    [InlineData("""[]""", "body")]
    [InlineData("""{}""", "merchantId")]
    [InlineData("""{"type":"t","data":{}}""", "merchantId")]
    [InlineData("""{"merchantId":42,"type":"t","data":{}}""", "merchantId")]
    [InlineData("""{"merchantId":"","type":"t","data":{}}""", "merchantId")]
    [InlineData("""{"merchantId":"m; DROP TABLE events;--","type":"t","data":{}}""", "merchantId")]
    [InlineData("""{"merchantId":"<script>","type":"t","data":{}}""", "merchantId")]
    [InlineData("""{"merchantId":"m","data":{}}""", "type")]
    [InlineData("""{"merchantId":"m","type":"t"}""", "data")]
    [InlineData("""{"merchantId":"m","type":"t","data":"text"}""", "data")]
    [InlineData("""{"merchantId":"m","type":"t","data":{},"idempotencyKey":5}""", "idempotencyKey")]
    [InlineData("""{"merchantId":"m","amount":"4999","currency":"INR","transactionId":"t"}""", "amount")]
    [InlineData("""{"merchantId":"m","amount":-1,"currency":"INR","transactionId":"t"}""", "amount")]
    [InlineData("""{"merchantId":"m","amount":0,"currency":"INR","transactionId":"t"}""", "amount")]
    [InlineData("""{"merchantId":"m","amount":10,"currency":"rupees","transactionId":"t"}""", "currency")]
    [InlineData("""{"merchantId":"m","amount":10,"currency":"inr","transactionId":"t"}""", "currency")]
    [InlineData("""{"merchantId":"m","amount":10,"currency":"INR"}""", "transactionId")]
    [InlineData("""{"target_url":"http://169.254.169.254/latest","payload":{}}""", "target_url")]
    [InlineData("""{"target_url":"http://127.0.0.1:4000/webhook","payload":{}}""", "target_url")]
    [InlineData("""{"target_url":"not a url","payload":{}}""", "target_url")]
    [InlineData("""{"target_url":"https://example.com/hook"}""", "payload")]
    [InlineData("""{"payload":{}}""", "target_url")]
    public async Task BadInput_IsRefused_NamingTheField(string json, string field)
    {
        var (request, errors) = await Parse(json);

        Assert.Null(request);
        Assert.Contains(field, errors.Keys);
    }

    [Fact]
    public async Task ALoneSurrogate_IsRefusedAsText()
    {
        var (request, errors) = await Parse("""{"merchantId":"\ud800","type":"t","data":{}}""");

        Assert.Null(request);
        Assert.Contains("merchantId", errors.Keys);
    }

    [Fact]
    public async Task TheIdempotencyHeader_IsUsed_AndMustAgreeWithTheField()
    {
        var (fromHeader, _) = await Parse("""{"merchantId":"m","type":"t","data":{}}""", header: "order-1");
        var (conflicting, errors) = await Parse("""{"merchantId":"m","type":"t","data":{},"idempotencyKey":"order-2"}""", header: "order-1");
        var (_, badHeader) = await Parse("""{"merchantId":"m","type":"t","data":{}}""", header: "bad\u0001key");

        Assert.Equal("order-1", fromHeader!.IdempotencyKey);
        Assert.Null(conflicting);
        Assert.Contains("idempotencyKey", errors.Keys);
        Assert.Contains("Idempotency-Key", badHeader.Keys);
    }

    [Fact]
    public async Task EveryProblem_IsReportedAtOnce()
    {
        var (_, errors) = await Parse("""{"merchantId":"m","amount":"x","currency":"no"}""");

        Assert.Contains("amount", errors.Keys);
        Assert.Contains("currency", errors.Keys);
        Assert.Contains("transactionId", errors.Keys);
    }
}
