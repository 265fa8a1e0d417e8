using HealthChecks.NpgSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Aspire.Hosting;

/// <summary>
/// <c>AddLocalPostgres</c> and its <c>AddDatabase</c>: PostgreSQL from this machine's binaries, shaped like Aspire's
/// <c>AddPostgres</c> (generated password parameter, the same connection strings, a health check, databases created
/// when the server is ready), for machines without a container runtime.
/// </summary>
public static class LocalPostgresBuilderExtensions
{
    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var binaries = PostgresBinaries.Find();
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");
        var dataDirectory = LocalData.DirectoryFor(builder, name);
        var (command, prefix) = binaries.Command(binaries.Postgres);
        var server = new LocalPostgresServerResource(name, command, dataDirectory, password);
        var data = new PostgresDataDirectory(binaries, dataDirectory);

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, async (@event, cancellationToken) =>
        {
            var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
            await data.PrepareAsync(await password.GetValueAsync(cancellationToken) ?? "", message => logger.LogInformation("{Message}", message), cancellationToken);
        });

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, cancellationToken) =>
            connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken));

        builder.Eventing.Subscribe<ResourceReadyEvent>(server, async (@event, cancellationToken) =>
        {
            await using var connection = new NpgsqlConnection(connectionString + ";Database=postgres");
            await connection.OpenAsync(cancellationToken);
            foreach (var databaseName in server.Databases.Values)
            {
                await CreateDatabaseIfMissingAsync(connection, databaseName, cancellationToken);
            }
            // Aspire carries a container's state over to its databases, not an executable's: so the databases are
            // marked running here, once they exist, and their own health checks then decide when they are ready.
            await SetDatabasesStateAsync(@event.Services, server, KnownResourceStates.Running);
        });

        builder.Eventing.Subscribe<ResourceStoppedEvent>(server, async (@event, _) =>
            await SetDatabasesStateAsync(@event.Services, server, @event.ResourceEvent.Snapshot.State?.Text ?? KnownResourceStates.Exited));

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => (connectionString ?? throw new InvalidOperationException("The connection string is not known yet.")) + ";Database=postgres",
            name: healthCheckKey);

        var endpoint = new EndpointReference(server, LocalPostgresServerResource.PrimaryEndpointName);
        return builder.AddResource(server)
            // Not proxied: every query of the services goes straight to the server.
            .WithEndpoint(name: LocalPostgresServerResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                foreach (var arg in prefix)
                {
                    context.Args.Add(arg);
                }
                context.Args.Add("-D");
                context.Args.Add(dataDirectory);
                context.Args.Add("-p");
                context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
                // Loopback only, and TCP only: no socket file to clash with the machine's own PostgreSQL.
                context.Args.Add("-c");
                context.Args.Add("listen_addresses=127.0.0.1");
                context.Args.Add("-c");
                context.Args.Add("unix_socket_directories=");
                // The Api and every Worker replica keep a pool; the default 100 is tight with several replicas.
                context.Args.Add("-c");
                context.Args.Add("max_connections=300");
                if (binaries.HasStatementStatistics)
                {
                    // Loaded, not installed: `CREATE EXTENSION pg_stat_statements` in a database makes its view readable.
                    // Planning is counted too: a statement re-planned on every execution shows there, not in its run time.
                    context.Args.Add("-c");
                    context.Args.Add("shared_preload_libraries=pg_stat_statements");
                    context.Args.Add("-c");
                    context.Args.Add("pg_stat_statements.track_planning=on");
                }
            })
            .WithHealthCheck(healthCheckKey);
    }

    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(this IResourceBuilder<LocalPostgresServerResource> builder, [ResourceName] string name, string? databaseName = null)
    {
        databaseName ??= name;
        var database = new LocalPostgresDatabaseResource(name, databaseName, builder.Resource);
        builder.Resource.AddDatabase(name, databaseName);

        string? connectionString = null;
        builder.ApplicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(database, async (_, cancellationToken) =>
            connectionString = await database.ConnectionStringExpression.GetValueAsync(cancellationToken));

        var healthCheckKey = $"{name}_check";
        builder.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString ?? throw new InvalidOperationException("The connection string is not known yet."),
            name: healthCheckKey);

        return builder.ApplicationBuilder.AddResource(database).WithHealthCheck(healthCheckKey);
    }

    private static async Task SetDatabasesStateAsync(IServiceProvider services, LocalPostgresServerResource server, string state)
    {
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var model = services.GetRequiredService<DistributedApplicationModel>();
        foreach (var database in model.Resources.OfType<LocalPostgresDatabaseResource>().Where(d => d.Parent == server))
        {
            await notifications.PublishUpdateAsync(database, snapshot => snapshot with
            {
                State = state,
                StartTimeStamp = state == KnownResourceStates.Running ? DateTime.UtcNow : snapshot.StartTimeStamp,
                StopTimeStamp = state == KnownResourceStates.Running ? null : DateTime.UtcNow,
            });
        }
    }

    private static async Task CreateDatabaseIfMissingAsync(NpgsqlConnection connection, string databaseName, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = databaseName } } };
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }
        var quoted = "\"" + databaseName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
    }
}
