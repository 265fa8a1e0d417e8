namespace WebhookDispatcher.Worker.Delivery;

/// <summary>The signal that starts a claim cycle early: set by Redis messages and by a restored Redis connection.</summary>
public sealed class DeliveryWakeUp
{
    public AsyncSignal Signal { get; } = new();
}
