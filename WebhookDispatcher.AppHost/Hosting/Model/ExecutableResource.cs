namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>A resource that runs as a child process of the AppHost: a project, PostgreSQL, Redis.</summary>
public abstract class ExecutableResource(string name) : Resource(name)
{
    public List<EndpointAnnotation> Endpoints { get; } = [];

    public List<Action<EnvironmentCallbackContext>> EnvironmentCallbacks { get; } = [];

    /// <summary>How many copies run; each is a resource of its own on the dashboard (<c>worker-0</c>, <c>worker-1</c>, …).</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>The signal that asks the process to stop gracefully.</summary>
    public virtual int StopSignal => PosixSignals.SIGTERM;

    /// <summary>How long a graceful stop may take before the process is killed.</summary>
    public virtual TimeSpan StopTimeout => TimeSpan.FromSeconds(20);

    public EndpointAnnotation GetEndpoint(string endpointName) =>
        Endpoints.SingleOrDefault(e => e.Name == endpointName)
        ?? throw new InvalidOperationException($"{Name} has no endpoint named '{endpointName}'.");

    /// <summary>Throws a <see cref="DistributedApplicationException"/> that says what to install when something it needs is missing.</summary>
    internal virtual void CheckPrerequisites(DataDirectory data)
    {
    }

    /// <summary>Gets ready to start (e.g. creates the database cluster) and says what to run.</summary>
    internal abstract Task<ProcessSpec> PrepareStartAsync(ResourceStartContext context, CancellationToken cancellationToken);

    /// <summary>Builds the environment every start gets: what the resource itself sets, then every callback in order.</summary>
    protected Dictionary<string, string> BuildEnvironment(int replica, Action<Dictionary<string, string>>? own = null)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        own?.Invoke(environment);
        var context = new EnvironmentCallbackContext(environment, replica);
        foreach (var callback in EnvironmentCallbacks)
        {
            callback(context);
        }
        return environment;
    }
}
