namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>How resources are wired to each other, with Aspire's names and meanings.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>Hands the resource a connection string as <c>ConnectionStrings__{name}</c>.</summary>
    public static IResourceBuilder<T> WithReference<T, TSource>(this IResourceBuilder<T> builder, IResourceBuilder<TSource> source)
        where T : ExecutableResource
        where TSource : Resource, IResourceWithConnectionString
    {
        builder.Resource.References.Add(source.Resource);
        return builder.WithEnvironment(context => context.Environment[$"ConnectionStrings__{source.Resource.Name}"] = source.Resource.GetConnectionString());
    }

    /// <summary>Hands the resource another project's URLs for service discovery, as <c>services__{name}__{endpoint}__{n}</c>.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<ProjectResource> source)
        where T : ExecutableResource
    {
        builder.Resource.References.Add(source.Resource);
        return builder.WithEnvironment(context =>
        {
            foreach (var endpoint in source.Resource.Endpoints)
            {
                for (var replica = 0; replica < source.Resource.Replicas; replica++)
                {
                    context.Environment[$"services__{source.Resource.Name}__{endpoint.Name}__{replica}"] = endpoint.GetUrl(replica).ToString().TrimEnd('/');
                }
            }
        });
    }

    /// <summary>Holds the resource in Waiting until <paramref name="dependency"/> is Running and healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<Resource> dependency) where T : Resource
    {
        builder.Resource.WaitsFor.Add(dependency.Resource);
        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, Action<EnvironmentCallbackContext> callback)
        where T : ExecutableResource
    {
        builder.Resource.EnvironmentCallbacks.Add(callback);
        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value) where T : ExecutableResource =>
        builder.WithEnvironment(context => context.Environment[name] = value);

    /// <summary>An environment variable whose value is known only when the process starts (an endpoint's URL).</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, Func<string> value) where T : ExecutableResource =>
        builder.WithEnvironment(context => context.Environment[name] = value());

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, IResourceBuilder<ParameterResource> parameter)
        where T : ExecutableResource =>
        builder.WithEnvironment(context => context.Environment[name] = parameter.Resource.Value);

    /// <summary>An HTTP endpoint: on <paramref name="port"/>, or on a free port per replica when none is given.</summary>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int? port = null, string name = "http")
        where T : ExecutableResource
    {
        builder.Resource.Endpoints.Add(new EndpointAnnotation(builder.Resource, name, "http", port));
        return builder;
    }

    /// <summary>Healthy while <paramref name="path"/> on the endpoint answers 2xx.</summary>
    public static IResourceBuilder<T> WithHttpHealthCheck<T>(this IResourceBuilder<T> builder, string path = "/health", string endpointName = "http")
        where T : ExecutableResource
    {
        builder.Resource.HealthProbes.Add(new HttpHealthProbe(builder.Resource.GetEndpoint(endpointName), path));
        return builder;
    }
}
