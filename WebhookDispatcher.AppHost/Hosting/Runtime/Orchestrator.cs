namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// Runs the app model (what Aspire's orchestrator, DCP, does): one instance per resource replica, each started
/// when what it waits for is healthy, and stopped in reverse dependency order: a resource stops only after
/// everything that waits for it or references it has stopped.
/// </summary>
internal sealed class Orchestrator
{
    private readonly IReadOnlyList<Resource> _resources;
    private readonly ConsoleEcho _echo;

    public Orchestrator(IReadOnlyList<Resource> resources, DistributedApplicationOptions options, DataDirectory data, ConsoleEcho echo, OtlpSettings? otlp)
    {
        _resources = resources;
        _echo = echo;
        Options = options;
        Data = data;
        Otlp = otlp;
        Journal = new ChildProcessJournal(data.ChildrenFile);

        var instances = new List<ResourceInstance>();
        foreach (var resource in resources)
        {
            switch (resource)
            {
                case ExecutableResource executable:
                    for (var replica = 0; replica < executable.Replicas; replica++)
                    {
                        var name = executable.Replicas == 1 ? executable.Name : $"{executable.Name}-{replica}";
                        instances.Add(new ProcessInstance(executable, name, replica, this));
                    }
                    break;
                case PostgresDatabaseResource database:
                    instances.Add(new DatabaseInstance(database, this));
                    break;
            }
        }
        Instances = instances;
    }

    public DistributedApplicationOptions Options { get; }

    public DataDirectory Data { get; }

    /// <summary>Where services send telemetry; null when nothing receives it (no dashboard).</summary>
    public OtlpSettings? Otlp { get; set; }

    public ChildProcessJournal Journal { get; }

    public ChangeSignal Signal { get; } = new();

    public IReadOnlyList<ResourceInstance> Instances { get; }

    /// <summary>Raised when any instance changes state or health, or writes a console line.</summary>
    public event Action? Changed;

    public ConsoleLog CreateConsoleLog(string instanceName)
    {
        var log = new ConsoleLog(instanceName, Data.Logs, _echo);
        log.Written += () => NotifyChanged(stateChanged: false);
        return log;
    }

    public void NotifyChanged(bool stateChanged)
    {
        if (stateChanged)
        {
            Signal.Notify();
        }
        Changed?.Invoke();
    }

    /// <summary>The instances a name stands for: one replica by its own name (worker-1), or every replica of a resource (worker).</summary>
    public IReadOnlyList<ResourceInstance> Find(string name)
    {
        var byInstance = Instances.Where(i => i.Name == name).ToList();
        if (byInstance.Count > 0)
        {
            return byInstance;
        }
        var byResource = Instances.Where(i => i.Resource.Name == name).ToList();
        return byResource.Count > 0
            ? byResource
            : throw new ArgumentException($"The app has no resource named '{name}'. It has: {string.Join(", ", Instances.Select(i => i.Name))}.", nameof(name));
    }

    public bool AreHealthy(IEnumerable<Resource> resources) =>
        resources.All(r => Instances.Where(i => i.Resource == r).All(i => i.IsHealthy));

    public Task WaitForHealthyAsync(IReadOnlyList<Resource> resources, CancellationToken cancellationToken) =>
        Signal.WaitUntilAsync(() => AreHealthy(resources), cancellationToken);

    public void StartAll()
    {
        foreach (var instance in Instances)
        {
            instance.Start();
        }
    }

    public async Task StopAllAsync()
    {
        var stops = new Dictionary<Resource, Task>();
        await Task.WhenAll(_resources.Select(r => StopAfterDependents(r, stops)));
    }

    /// <summary>Kills every process now, for a second Ctrl+C: the graceful stop under way then finishes at once.</summary>
    public void KillAll()
    {
        foreach (var instance in Instances.OfType<ProcessInstance>())
        {
            instance.KillNow();
        }
    }

    private Task StopAfterDependents(Resource resource, Dictionary<Resource, Task> stops)
    {
        if (stops.TryGetValue(resource, out var stop))
        {
            return stop;
        }
        // A placeholder first, so a (mistaken) cycle in the model ends instead of recursing forever.
        stops[resource] = Task.CompletedTask;
        var dependents = _resources.Where(r => r.WaitsFor.Contains(resource) || r.References.Contains(resource)).ToList();
        var dependentsStopped = dependents.Select(d => StopAfterDependents(d, stops)).ToList();
        stop = StopAsync(resource, dependentsStopped);
        stops[resource] = stop;
        return stop;
    }

    private async Task StopAsync(Resource resource, List<Task> dependentsStopped)
    {
        await Task.WhenAll(dependentsStopped);
        await Task.WhenAll(Instances.Where(i => i.Resource == resource).Select(i => i.StopAsync()));
    }
}
