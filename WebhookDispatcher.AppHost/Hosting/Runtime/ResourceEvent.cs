namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>One change of a resource's state or health, kept so tests can check what happened in which order.</summary>
public sealed record ResourceEvent(DateTimeOffset Timestamp, string Name, ResourceState State, ResourceHealth? Health, int RestartCount, int? ExitCode);
