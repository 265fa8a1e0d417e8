namespace WebhookDispatcher.Core;

/// <summary>The states of a delivery, as stored and as the API reports them.</summary>
public static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string InFlight = "in_flight";
    public const string Delivered = "delivered";
    public const string Dead = "dead";

    /// <summary>
    /// An event's status only, never a delivery's: no endpoint of its merchant subscribes to its type, so it has no
    /// delivery at all. Kept apart from <see cref="Delivered"/> so that a mistyped event type can be seen.
    /// </summary>
    public const string Unrouted = "unrouted";

    public static IReadOnlyList<string> All { get; } = [Pending, InFlight, Delivered, Dead];

    /// <summary>What an event's status can be: what its deliveries add up to, or <see cref="Unrouted"/>.</summary>
    public static IReadOnlyList<string> EventStatuses { get; } = [Pending, InFlight, Delivered, Dead, Unrouted];

    public static bool IsValid(string? status) => status is Pending or InFlight or Delivered or Dead;

    public static bool IsValidEventStatus(string? status) => IsValid(status) || status is Unrouted;
}
