using System.Text.RegularExpressions;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Testing;
using WebhookDispatcher.Core.Delivery;
using WebhookDispatcher.OperatorConsole.Services;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Worker.Delivery;

namespace WebhookDispatcher.Tests.Messages;

/// <summary>
/// Errors are sentences with their own full stop (the attempt history shows them alone). A message that puts one
/// inside its own text must not add punctuation after it: no "10 s.; next in", no "not found..".
/// </summary>
public partial class DoubledPunctuationTests
{
    // A full stop followed by more punctuation; "2.0 s" and an ellipsis's "…" are fine.
    [GeneratedRegex(@"\.[.;,:]")]
    private static partial Regex Doubled();

    public static TheoryData<string> Errors =>
    [
        "Timed out after 10 s.",
        "Held: the endpoint is disabled; enabling it resumes delivery.",
        "Not sent: the endpoint was deleted.",
        "HTTP 410 Gone: the endpoint is disabled.",
        "No signing secret: Dispatcher:SigningSecret is not set.",
        "An error occurred while sending the request. (Connection reset by peer)",
        "HTTP 500 Internal Server Error",
    ];

    [Theory]
    [MemberData(nameof(Errors))]
    public void AttemptLogs_EndWithTheError_AndAddNothingAfterIt(string error)
    {
        var classifier = new OutcomeClassifier(new RetryPolicy(2, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1)));
        var logger = new FakeLogger();
        foreach (var attemptCount in new[] { 0, 1 }) // retried, then dead
        {
            var delivery = new ClaimedDelivery(7, Guid.NewGuid(), null, null, attemptCount, 0, "merchant_7", "t", "{}",
                DateTimeOffset.UtcNow, null, null, null, EndpointEnabled: true);
            var result = new AttemptResult(DateTimeOffset.UtcNow, 10_000, null, error);
            AttemptLog.Write(logger, delivery, result, classifier.Classify(delivery, result));
        }

        var messages = logger.Collector.GetSnapshot().Select(r => r.Message).ToList();
        Assert.Equal(2, messages.Count);
        Assert.All(messages, m => Assert.DoesNotMatch(Doubled(), m));
        Assert.All(messages, m => Assert.EndsWith(error, m));
    }

    [Fact]
    public async Task TheOperatorConsole_QuotingAnApiProblem_EndsWithOneFullStop()
    {
        const string Problem = """{"title":"Not found","status":404,"detail":"No event 0193a5f0-0000-7000-8000-000000000000."}""";
        using var http = new HttpClient(new AnswerWith(HttpStatusCode.NotFound, Problem)) { BaseAddress = new("http://api.test/") };

        var result = await new ApiClient(http).GetEventAsync(Guid.Empty);

        Assert.Equal("The Api answered 404 Not Found: No event 0193a5f0-0000-7000-8000-000000000000.", result.Error);
    }

    private sealed class AnswerWith(HttpStatusCode status, string json) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/problem+json") });
    }

}
