using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The engine's PostgreSQL and Redis clients: Aspire's client integrations (Aspire.Npgsql, Aspire.StackExchange.Redis),
/// with what was tuned on purpose for this workload. Every service that touches the queue calls both, so they are
/// tuned once, here.
/// </summary>
public static class WebhooksDataExtensions
{
    /// <summary>Statements each pooled connection keeps prepared (Npgsql's Max Auto Prepare).</summary>
    public const int DefaultMaxAutoPrepare = 32;

    /// <summary>The <c>webhooks</c> database, as an <see cref="NpgsqlDataSource"/> from <c>ConnectionStrings:webhooks</c>.</summary>
    public static TBuilder AddWebhooksDataSource<TBuilder>(this TBuilder builder, string connectionName = "webhooks") where TBuilder : IHostApplicationBuilder
    {
        builder.AddNpgsqlDataSource(connectionName, configureDataSourceBuilder: dataSource =>
        {
            // Prepared statements, unless the connection string says otherwise: the engine runs a handful of
            // statements over and over (ingest, claim, record outcomes), and PostgreSQL spent more time planning
            // them than running them. Aspire's connection strings don't carry this, so it is set here.
            if (dataSource.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                dataSource.ConnectionStringBuilder.MaxAutoPrepare = DefaultMaxAutoPrepare;
            }
            // No reset of a connection's session state when it goes back to the pool, unless the connection string
            // asks for one: the engine leaves none behind (its plan settings are set_config(..., true), which end
            // with the transaction; the migrator releases its advisory lock itself), and Npgsql still rolls back a
            // transaction left open. The reset is five more statements, and one more transaction, on every pooled
            // use: with group commit that is most of a batch's overhead.
            if (!SetsKeyword(dataSource.ConnectionString, "No Reset On Close", "NoResetOnClose"))
            {
                dataSource.ConnectionStringBuilder.NoResetOnClose = true;
            }
            // SQL is traced as part of something (a request, a delivery attempt), never on its own: a Worker's
            // claim and poll queries, several a second, would otherwise each be a one-span trace burying the rest.
            dataSource.ConfigureTracing(tracing => tracing
                .ConfigureCommandFilter(_ => Activity.Current is not null)
                .ConfigureBatchFilter(_ => Activity.Current is not null));
        });
        return builder;
    }

    /// <summary>Whether a connection string sets a keyword (under either of its spellings), whatever its value.</summary>
    private static bool SetsKeyword(string? connectionString, params string[] keywords)
    {
        var parsed = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString ?? "" };
        return keywords.Any(parsed.ContainsKey);
    }

    /// <summary>
    /// The Redis wake-up bus, as one shared <c>IConnectionMultiplexer</c> from <c>ConnectionStrings:redis</c>. A
    /// service starts while Redis is down and reconnects by itself (AbortOnConnectFail off), and an outage makes it
    /// Degraded, not Unhealthy: Redis only wakes Workers up (ARCHITECTURE.md, invariant 5), so /health still answers 200
    /// while saying what is wrong.
    /// </summary>
    public static TBuilder AddWakeUpRedisClient<TBuilder>(this TBuilder builder, string connectionName = "redis") where TBuilder : IHostApplicationBuilder
    {
        builder.AddRedisClient(connectionName,
            configureSettings: settings => settings.DisableHealthChecks = true,
            configureOptions: options =>
            {
                options.AbortOnConnectFail = false;
                options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
            });
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "redis",
            services => new RedisWakeUpHealthCheck(services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>()),
            HealthStatus.Degraded,
            tags: ["ready"],
            timeout: TimeSpan.FromSeconds(5)));
        return builder;
    }
}
