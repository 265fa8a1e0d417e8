namespace WebhookDispatcher.AppHost.Dashboard;

/// <summary>What the hosting layer hands the dashboard when it starts it.</summary>
/// <param name="BrowserUrl">Where people open the dashboard (http://localhost:18888).</param>
/// <param name="OtlpHttpUrl">Where services send OTLP/HTTP (http://localhost:18890).</param>
/// <param name="OtlpApiKey">The x-otlp-api-key the services send and the receiver checks.</param>
/// <param name="ApiBaseUrl">The Api's base URL, for the deliveries pages (null if the app has no Api).</param>
/// <param name="WebhooksConnectionString">The webhooks database, for the deliveries pages (null if none).</param>
public sealed record DashboardSettings(
    Uri BrowserUrl,
    Uri OtlpHttpUrl,
    string OtlpApiKey,
    Uri? ApiBaseUrl,
    string? WebhooksConnectionString);
