namespace WebhookDispatcher.AppHost.Hosting;

public static class RedisBuilderExtensions
{
    /// <summary>A Redis server on a free port (or <paramref name="port"/>), with a generated password kept with the data.</summary>
    public static IResourceBuilder<RedisResource> AddRedis(this DistributedApplicationBuilder builder, string name, int? port = null)
    {
        var password = builder.AddPasswordParameter($"{name}-password");
        var redis = new RedisResource(name, password.Resource);
        redis.Endpoints.Add(new EndpointAnnotation(redis, "tcp", "tcp", port));
        redis.HealthProbes.Add(new RedisPingProbe(redis));
        return builder.AddResource(redis);
    }
}
