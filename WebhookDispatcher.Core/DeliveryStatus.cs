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
}
