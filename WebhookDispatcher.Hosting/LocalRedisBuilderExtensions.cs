using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Aspire.Hosting;

/// <summary>
/// <c>AddLocalRedis</c>: Redis from this machine's redis-server, shaped like Aspire's <c>AddRedis</c> (generated
/// password parameter, the same connection string, a health check), for machines without a container runtime.
/// Run mode only: it stays out of manifests.
/// </summary>
public static class LocalRedisBuilderExtensions
{
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var redisServer = Binaries.Find("redis-server")
            ?? throw new DistributedApplicationException("redis-server was not found. Install it: apt-get install -y redis-server (scripts/run.sh does).");
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var redis = new LocalRedisResource(name, redisServer, LocalDataDirectory.For(builder, name), password);
        var fresh = builder.Configuration.GetValue<bool>("fresh");

        // The password goes in a file of the owner's only, so it never shows in ps or on the dashboard.
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(redis, async (_, cancellationToken) =>
        {
            LocalDataDirectory.Prepare(redis.DataDirectory, fresh);
            fresh = false;
            Directory.CreateDirectory(redis.DataDirectory);
            await File.WriteAllLinesAsync(redis.ConfigFile,
            [
                "requirepass " + await password.GetValueAsync(cancellationToken),
                "bind 127.0.0.1",
                "daemonize no",
                "dir " + redis.DataDirectory,
                // Snapshot a minute after any change, as Aspire's Redis does with a data volume.
                "save 60 1",
                "appendonly no",
            ], cancellationToken);
            Binaries.SetMode(redis.ConfigFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        });

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, cancellationToken) =>
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(cancellationToken));

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(
            _ => connectionString ?? throw new InvalidOperationException("The connection string is not known yet."),
            name: healthCheckKey);

        var endpoint = new EndpointReference(redis, LocalRedisResource.PrimaryEndpointName);
        return builder.AddResource(redis)
            // Not proxied: the Api's publishes and the Workers' subscriptions go straight to the server.
            .WithEndpoint(name: LocalRedisResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add(redis.ConfigFile);
                context.Args.Add("--port");
                context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
            })
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    /// <summary>Where the snapshot lives, as <c>WithDataVolume</c> names a container's volume; the default is the AppHost's own.</summary>
    public static IResourceBuilder<LocalRedisResource> WithDataDirectory(this IResourceBuilder<LocalRedisResource> builder, string path)
    {
        builder.Resource.DataDirectory = Path.GetFullPath(path, builder.ApplicationBuilder.AppHostDirectory);
        return builder.WithWorkingDirectory(builder.Resource.DataDirectory);
    }
}
