namespace WebhookDispatcher.AppHost.Dashboard.Deliveries;

public sealed class DeliveriesClient(HttpClient http)
{
    public HttpClient Http { get; } = http;
}
