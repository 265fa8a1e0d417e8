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
        Meter.CreateCounter<long>("webhooks.endpoint.circuit.opened", "{event}", "Times an endpoint's shared circuit opened (or reopened after a failed probe) after failures in a row.");

    public static readonly Counter<long> SlotsMissed =
        Meter.CreateCounter<long>("webhooks.rate_limit.slots_missed", "{delivery}",
            "Rate-limited sends that started too late for their slot (a held-up Worker) and were deferred to a fresh one.");

    public static readonly Counter<long> Claimed =
        Meter.CreateCounter<long>("webhooks.delivery.claimed", "{delivery}", "Deliveries claimed by Workers.");
}
