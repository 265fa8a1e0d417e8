namespace WebhookDispatcher.AppHost.Dashboard.Telemetry;

/// <summary>One attribute of a span, log record, data point or resource, its value already rendered as text.</summary>
public sealed record TelemetryAttribute(string Key, string Value)
{
    public static string? Find(IReadOnlyList<TelemetryAttribute> attributes, string key)
    {
        foreach (var attribute in attributes)
        {
            if (attribute.Key == key)
            {
                return attribute.Value;
            }
        }
        return null;
    }
}
