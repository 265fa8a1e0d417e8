namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>The environment a process is about to start with, for <c>WithEnvironment</c> and <c>WithReference</c> to fill in.</summary>
public sealed class EnvironmentCallbackContext(IDictionary<string, string> environment, int replica)
{
    public IDictionary<string, string> Environment { get; } = environment;

    /// <summary>Which replica is starting (0 unless the resource has several).</summary>
    public int Replica { get; } = replica;
}
