namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// Where the services send telemetry when the dashboard runs, handed over in the variables Aspire sets on a project
/// (its OtlpConfigurationExtensions): OTLP over HTTP with the dashboard's API key, the resource name as service
/// name, a fresh instance id per start, and short export delays in Development so the dashboard is live.
/// </summary>
internal sealed record OtlpSettings(Uri Endpoint, string ApiKey, bool IsDevelopment)
{
    public void ApplyTo(IDictionary<string, string> environment, string serviceName)
    {
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint.ToString().TrimEnd('/');
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        environment["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-otlp-api-key={ApiKey}";
        environment["OTEL_SERVICE_NAME"] = serviceName;
        environment["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={Guid.NewGuid():N}";
        if (IsDevelopment)
        {
            environment["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
            environment["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
            environment["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
        }
    }
}
