using Microsoft.Extensions.Configuration;
using WebhookDispatcher.AppHost.Hosting.Testing;

namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>Collects the app model (resources and how they are wired), then builds the app that runs it.</summary>
public sealed class DistributedApplicationBuilder
{
    private readonly List<Resource> _resources = [];
    private DistributedApplicationEntryPointInvoker? _entryPointInvoker;

    public DistributedApplicationBuilder(DistributedApplicationOptions options, string[]? args = null)
    {
        Options = options;
        Configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args ?? []).Build();
    }

    /// <summary>A builder made inside an AppHost's entry point run by the test harness, which takes it at the first Build().</summary>
    internal DistributedApplicationBuilder(DistributedApplicationOptions options, string[] args, DistributedApplicationEntryPointInvoker entryPointInvoker)
        : this(options, args)
    {
        _entryPointInvoker = entryPointInvoker;
    }

    public DistributedApplicationOptions Options { get; }

    /// <summary>Environment variables and command-line arguments, for knobs of the model (<c>--workers 3</c>).</summary>
    public IConfiguration Configuration { get; }

    public IReadOnlyList<Resource> Resources => _resources;

    /// <summary>What the dashboard's deliveries pages read from (set by <c>WithDashboardData</c>).</summary>
    internal (ExecutableResource? Api, IResourceWithConnectionString? Database) DashboardData { get; set; }

    public IResourceBuilder<T> AddResource<T>(T resource) where T : Resource
    {
        if (FindResource(resource.Name) is not null)
        {
            throw new InvalidOperationException($"The app model already has a resource named '{resource.Name}'.");
        }
        _resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }

    /// <summary>
    /// A builder for a resource already in the model, to add to it: a test's extra environment variable on a
    /// resource the AppHost's Program.cs added (<c>CreateResourceBuilder&lt;ProjectResource&gt;("worker")</c>).
    /// </summary>
    public IResourceBuilder<T> CreateResourceBuilder<T>(string name) where T : Resource => FindResource(name) switch
    {
        T resource => new ResourceBuilder<T>(resource, this),
        null => throw new InvalidOperationException($"The app model has no resource named '{name}'."),
        var other => throw new InvalidOperationException($"The resource '{name}' is a {other.GetType().Name}, not a {typeof(T).Name}."),
    };

    /// <summary>Points the dashboard's deliveries pages at the Api and the database.</summary>
    public DistributedApplicationBuilder WithDashboardData<TDatabase>(IResourceBuilder<ExecutableResource> api, IResourceBuilder<TDatabase> database)
        where TDatabase : Resource, IResourceWithConnectionString
    {
        DashboardData = (api.Resource, database.Resource);
        return this;
    }

    public DistributedApplication Build()
    {
        // Under the test harness, the AppHost's own Build() hands the modelled builder to the test and ends the entry
        // point there; the test's Build() of the same builder then builds the app.
        if (Interlocked.Exchange(ref _entryPointInvoker, null) is { } entryPointInvoker)
        {
            throw entryPointInvoker.HandOver(this);
        }
        return new(Options, [.. _resources], DashboardData);
    }

    private Resource? FindResource(string name) =>
        _resources.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
}
