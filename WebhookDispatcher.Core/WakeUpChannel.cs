namespace WebhookDispatcher.Core;

/// <summary>The Redis pub/sub channel on which the Api tells Workers that new deliveries are due.</summary>
public static class WakeUpChannel
{
    public const string Name = "webhooks:deliveries-due";
}
