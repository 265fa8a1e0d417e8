using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Aspire.Hosting;

/// <summary>
/// <c>AddLocalRedis</c>: Redis from this machine's redis-server, shaped like Aspire's <c>AddRedis</c> (generated
/// password parameter, the same connection string, a health check), for machines without a container runtime.
/// </summary>
public static class LocalRedisBuilderExtensions
{
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var redisServer = Binaries.Find("redis-server")
            ?? throw new DistributedApplicationException("redis-server was not found. Install it: apt-get install -y redis-server (scripts/run.sh does).");
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var dataDirectory = LocalData.DirectoryFor(builder, name);
        var configFile = Path.Combine(dataDirectory, "redis.conf");
        var redis = new LocalRedisResource(name, redisServer, dataDirectory, password);

        // The password goes in a file of the owner's only, so it never shows in ps or on the dashboard.
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(redis, async (_, cancellationToken) =>
        {
            Directory.CreateDirectory(dataDirectory);
            await File.WriteAllLinesAsync(configFile,
            [
                "requirepass " + await password.GetValueAsync(cancellationToken),
                "bind 127.0.0.1",
                "daemonize no",
                "dir " + dataDirectory,
                // Snapshot a minute after any change, as Aspire's Redis does with a data volume.
                "save 60 1",
                "appendonly no",
            ], cancellationToken);
            Binaries.SetMode(configFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
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
                context.Args.Add(configFile);
                context.Args.Add("--port");
                context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
            })
            .WithHealthCheck(healthCheckKey);
    }
}
