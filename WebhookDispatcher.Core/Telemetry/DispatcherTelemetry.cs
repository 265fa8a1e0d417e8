using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace WebhookDispatcher.Core.Telemetry;

/// <summary>
/// The engine's own spans and instruments, under one name that ServiceDefaults subscribes to.
/// </summary>
public static class DispatcherTelemetry
{
    public const string Name = "WebhookDispatcher";

    public static readonly ActivitySource ActivitySource = new(Name);
    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> EventsIngested =
        Meter.CreateCounter<long>("webhooks.events.ingested", "{event}", "Events accepted by the Api (new ones; idempotent repeats excluded).");

    public static readonly Counter<long> Attempts =
        Meter.CreateCounter<long>("webhooks.delivery.attempts", "{attempt}",
            "Delivery attempts by outcome: success (2xx), failure (another answer; retried), error (no answer, such as a timeout; retried), dead (failed, and the delivery is dead).");

    public static readonly Histogram<double> AttemptDuration =
        Meter.CreateHistogram<double>("webhooks.delivery.attempt.duration", "ms", "Time from sending an attempt to its response or failure, by outcome (as webhooks.delivery.attempts).");

    public static readonly Histogram<double> IngestToDelivery =
        Meter.CreateHistogram<double>("webhooks.delivery.latency", "ms", "Time from an event's ingestion to its successful delivery.");

    public static readonly Counter<long> CircuitOpened =
        Meter.CreateCounter<long>("webhooks.endpoint.circuit.opened", "{event}", "Times an endpoint's circuit opened after it failed nearly every attempt.");

    public static readonly Counter<long> Claimed =
        Meter.CreateCounter<long>("webhooks.delivery.claimed", "{delivery}", "Deliveries claimed by Workers.");
}
