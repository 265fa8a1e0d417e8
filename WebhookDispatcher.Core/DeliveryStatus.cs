namespace WebhookDispatcher.Core;

/// <summary>The states of a delivery, as stored and as the API reports them.</summary>
public static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string InFlight = "in_flight";
    public const string Delivered = "delivered";
    public const string Dead = "dead";

    public static IReadOnlyList<string> All { get; } = [Pending, InFlight, Delivered, Dead];

    public static bool IsValid(string? status) => status is Pending or InFlight or Delivered or Dead;

    /// <summary>
    /// An event's status, from its deliveries: in flight or pending while any is, otherwise dead if any died,
    /// otherwise delivered (an event no endpoint subscribed to counts as delivered: there is nothing left to do).
    /// </summary>
    public static string ForEvent(IEnumerable<string> deliveryStatuses)
    {
        var statuses = deliveryStatuses as ICollection<string> ?? [.. deliveryStatuses];
        if (statuses.Contains(InFlight)) return InFlight;
        if (statuses.Contains(Pending)) return Pending;
        if (statuses.Contains(Dead)) return Dead;
        return Delivered;
    }
}
