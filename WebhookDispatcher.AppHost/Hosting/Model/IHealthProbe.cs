namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>One health check of a resource (Aspire's health check annotation), asked of each replica in turn.</summary>
public interface IHealthProbe
{
    Task<bool> IsHealthyAsync(int replica, CancellationToken cancellationToken);
}
