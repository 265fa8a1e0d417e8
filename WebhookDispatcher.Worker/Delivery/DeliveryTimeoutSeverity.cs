using Polly;
using Polly.Telemetry;

namespace WebhookDispatcher.Worker.Delivery;

/// <summary>
/// A merchant's endpoint that times out is the merchant's fault, and an everyday one: Polly reports every timeout
/// of the webhook client's pipeline at Error, which would paint the Worker red on the dashboard for traffic that is
/// working as designed. It is a Warning; the attempt's own log line (<c>AttemptLog</c>) says the rest, and Error is
/// kept for our own faults and for deliveries that go dead.
/// </summary>
internal static class DeliveryTimeoutSeverity
{
    public static void Apply(TelemetryOptions options, string pipelineName)
    {
        var inner = options.SeverityProvider;
        options.SeverityProvider = args =>
            args.Event.EventName == "OnTimeout" && args.Source.PipelineName == pipelineName
                ? ResilienceEventSeverity.Warning
                : inner?.Invoke(args) ?? args.Event.Severity;
    }
}
