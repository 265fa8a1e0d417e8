namespace WebhookDispatcher.AppHost.Dashboard.Components;

/// <summary>Plain titles for the engine's own instruments (WebhookDispatcher.Core's DispatcherTelemetry and the Worker's queue gauge).</summary>
public static class EngineInstruments
{
    private static readonly Dictionary<string, string> Titles = new(StringComparer.Ordinal)
    {
        ["webhooks.events.ingested"] = "Events ingested",
        ["webhooks.delivery.attempts"] = "Delivery attempts by outcome",
        ["webhooks.delivery.attempt.duration"] = "Attempt duration",
        ["webhooks.delivery.latency"] = "Ingest-to-delivery latency",
        ["webhooks.queue.depth"] = "Queue depth by status",
        ["webhooks.delivery.claimed"] = "Deliveries claimed",
    };

    public static bool IsEngine(string name) => Titles.ContainsKey(name);

    public static string Title(string name) => Titles.GetValueOrDefault(name, name);
}
