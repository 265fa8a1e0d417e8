using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// PostgreSQL the way Aspire's Aspire.Npgsql client integration wires it: an <see cref="NpgsqlDataSource"/>
/// from <c>ConnectionStrings:{name}</c>, Npgsql's traces and metrics, and a health check.
/// </summary>
public static class NpgsqlExtensions
{
    /// <summary>Statements each pooled connection keeps prepared (Npgsql's Max Auto Prepare).</summary>
    public const int DefaultMaxAutoPrepare = 32;

    public static void AddNpgsqlDataSource(this IHostApplicationBuilder builder, string connectionName, Action<NpgsqlDataSourceBuilder>? configureDataSourceBuilder = null)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionString is missing. It should be provided in 'ConnectionStrings:{connectionName}' (environment: ConnectionStrings__{connectionName}).");
        }

        builder.Services.AddSingleton(serviceProvider =>
        {
            var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
            // Prepared statements, unless the connection string says otherwise: the engine runs a handful of
            // statements over and over (ingest, claim, record outcomes), and PostgreSQL spent more time planning
            // them than running them. Aspire's connection strings don't carry this, so it is set here.
            if (dataSourceBuilder.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                dataSourceBuilder.ConnectionStringBuilder.MaxAutoPrepare = DefaultMaxAutoPrepare;
            }
            dataSourceBuilder.UseLoggerFactory(serviceProvider.GetService<Logging.ILoggerFactory>());
            // SQL is traced as part of something (a request, a delivery attempt), never on its own: a Worker's
            // claim and poll queries, several a second, would otherwise each be a one-span trace burying the rest.
            dataSourceBuilder.ConfigureTracing(tracing => tracing
                .ConfigureCommandFilter(_ => Activity.Current is not null)
                .ConfigureBatchFilter(_ => Activity.Current is not null));
            configureDataSourceBuilder?.Invoke(dataSourceBuilder);
            return dataSourceBuilder.Build();
        });

        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "postgres",
            serviceProvider => new NpgsqlHealthCheck(serviceProvider.GetRequiredService<NpgsqlDataSource>()),
            failureStatus: HealthStatus.Unhealthy,
            tags: ["ready"],
            timeout: TimeSpan.FromSeconds(5)));

        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddNpgsql())
            .WithMetrics(metrics => metrics.AddMeter("Npgsql"));
    }

    private sealed class NpgsqlHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var command = dataSource.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, "PostgreSQL is unreachable: " + ex.Message, ex);
            }
        }
    }
}
