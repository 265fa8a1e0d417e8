namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>The dashboard's view of the running app (<see cref="IResourceMonitor"/>), over the orchestrator's instances.</summary>
internal sealed class ResourceMonitor(Orchestrator orchestrator) : IResourceMonitor
{
    public event Action? Changed
    {
        add => orchestrator.Changed += value;
        remove => orchestrator.Changed -= value;
    }

    public IReadOnlyList<ResourceSnapshot> GetResources() => [.. orchestrator.Instances.Select(i => i.Snapshot())];

    public IReadOnlyList<ConsoleLine> GetConsoleLines(string resourceName, long afterSequence = 0) =>
        orchestrator.Find(resourceName) is [var instance] ? instance.Log.GetLines(afterSequence) : [];

    public Task StartResourceAsync(string resourceName, CancellationToken cancellationToken = default)
    {
        foreach (var instance in orchestrator.Find(resourceName))
        {
            instance.Start();
        }
        return Task.CompletedTask;
    }

    public Task StopResourceAsync(string resourceName, CancellationToken cancellationToken = default) =>
        Task.WhenAll(orchestrator.Find(resourceName).Select(i => i.StopAsync())).WaitAsync(cancellationToken);

    public async Task RestartResourceAsync(string resourceName, CancellationToken cancellationToken = default)
    {
        await StopResourceAsync(resourceName, cancellationToken);
        await StartResourceAsync(resourceName, cancellationToken);
    }
}
