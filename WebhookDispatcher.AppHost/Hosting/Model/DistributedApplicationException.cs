namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>The app can't start or go on, for a reason one line can tell (what is missing and how to get it).</summary>
public sealed class DistributedApplicationException(string message) : Exception(message);
