namespace WebhookDispatcher.AppHost.Dashboard.Telemetry;

/// <summary>
/// Which process sent a piece of telemetry: its service.name (the AppHost sets OTEL_SERVICE_NAME to the resource
/// name, so this matches the Resources page) and its service.instance.id (a new one after each restart).
/// </summary>
public sealed record TelemetrySource(string ServiceName, string? InstanceId)
{
    public const string UnknownService = "unknown_service";

    public static TelemetrySource From(IReadOnlyList<TelemetryAttribute> resourceAttributes) => new(
        TelemetryAttribute.Find(resourceAttributes, "service.name") is { Length: > 0 } name ? name : UnknownService,
        TelemetryAttribute.Find(resourceAttributes, "service.instance.id"));
}
