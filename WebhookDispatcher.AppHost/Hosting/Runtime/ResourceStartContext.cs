namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>What a resource gets when it is about to start one of its processes.</summary>
/// <param name="Otlp">Where to send telemetry; null when the dashboard is off.</param>
internal sealed record ResourceStartContext(int Replica, DataDirectory Data, ConsoleLog Log, OtlpSettings? Otlp);
