using Microsoft.Extensions.Configuration;

namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>Collects the app model (resources and how they are wired), then builds the app that runs it.</summary>
public sealed class DistributedApplicationBuilder
{
    private readonly List<Resource> _resources = [];

    public DistributedApplicationBuilder(DistributedApplicationOptions options, string[]? args = null)
    {
        Options = options;
        Configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args ?? []).Build();
    }

    public DistributedApplicationOptions Options { get; }

    /// <summary>Environment variables and command-line arguments, for knobs of the model (<c>--workers 3</c>).</summary>
    public IConfiguration Configuration { get; }

    public IReadOnlyList<Resource> Resources => _resources;

    /// <summary>What the dashboard's deliveries pages read from (set by <c>WithDashboardData</c>).</summary>
    internal (ExecutableResource? Api, IResourceWithConnectionString? Database) DashboardData { get; set; }

    public IResourceBuilder<T> AddResource<T>(T resource) where T : Resource
    {
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"The app model already has a resource named '{resource.Name}'.");
        }
        _resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }

    /// <summary>Points the dashboard's deliveries pages at the Api and the database.</summary>
    public DistributedApplicationBuilder WithDashboardData<TDatabase>(IResourceBuilder<ExecutableResource> api, IResourceBuilder<TDatabase> database)
        where TDatabase : Resource, IResourceWithConnectionString
    {
        DashboardData = (api.Resource, database.Resource);
        return this;
    }

    public DistributedApplication Build() => new(Options, [.. _resources], DashboardData);
}
