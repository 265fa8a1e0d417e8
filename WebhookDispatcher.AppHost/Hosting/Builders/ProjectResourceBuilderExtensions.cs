namespace WebhookDispatcher.AppHost.Hosting;

public static class ProjectResourceBuilderExtensions
{
    /// <summary>A service project of the solution, started as <c>dotnet &lt;its dll&gt;</c> in its project directory.</summary>
    public static IResourceBuilder<ProjectResource> AddProject<TProject>(this DistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new() =>
        builder.AddResource(new ProjectResource(name, new TProject()));

    /// <summary>Runs several copies; each gets its own port and shows as <c>{name}-0</c>, <c>{name}-1</c>, ….</summary>
    public static IResourceBuilder<T> WithReplicas<T>(this IResourceBuilder<T> builder, int replicas) where T : ExecutableResource
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        builder.Resource.Replicas = replicas;
        return builder;
    }
}
