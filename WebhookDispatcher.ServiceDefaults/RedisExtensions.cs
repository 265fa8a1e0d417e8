using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Redis the way Aspire's Aspire.StackExchange.Redis client integration wires it: one shared
/// <see cref="IConnectionMultiplexer"/> from <c>ConnectionStrings:{name}</c> with AbortOnConnectFail off (so a
/// service starts while Redis is down and reconnects by itself when it returns), and a health check.
/// </summary>
public static class RedisExtensions
{
    /// <param name="failureStatus">
    /// What a Redis outage makes the service: Redis only wakes Workers up (DESIGN.md invariant 5), so our
    /// services report it as Degraded, which still answers 200 on /health while saying what is wrong.
    /// </param>
    public static void AddRedisClient(this IHostApplicationBuilder builder, string connectionName, HealthStatus failureStatus = HealthStatus.Degraded)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionString is missing. It should be provided in 'ConnectionStrings:{connectionName}' (environment: ConnectionStrings__{connectionName}).");
        }

        builder.Services.AddSingleton<IConnectionMultiplexer>(serviceProvider =>
        {
            var options = ConfigurationOptions.Parse(connectionString);
            options.AbortOnConnectFail = false;
            options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
            var logger = serviceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("StackExchange.Redis");
            var multiplexer = ConnectionMultiplexer.Connect(options);
            multiplexer.ConnectionFailed += (_, e) => logger.LogWarning("Redis connection lost ({FailureType}): {Message}", e.FailureType, e.Exception?.Message);
            multiplexer.ConnectionRestored += (_, e) => logger.LogInformation("Redis connection restored");
            return multiplexer;
        });

        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "redis",
            serviceProvider => new RedisHealthCheck(serviceProvider.GetRequiredService<IConnectionMultiplexer>()),
            failureStatus,
            tags: ["ready"],
            timeout: TimeSpan.FromSeconds(5)));
    }

    private sealed class RedisHealthCheck(IConnectionMultiplexer multiplexer) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (!multiplexer.IsConnected)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, "Redis is not connected; Workers fall back to polling.");
            }
            try
            {
                await multiplexer.GetDatabase().PingAsync();
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, "Redis is unreachable: " + ex.Message, ex);
            }
        }
    }
}
