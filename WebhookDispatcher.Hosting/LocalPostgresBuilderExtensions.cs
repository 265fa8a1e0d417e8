using HealthChecks.NpgSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Aspire.Hosting;

/// <summary>
/// <c>AddLocalPostgres</c> and its <c>AddDatabase</c>: PostgreSQL from this machine's binaries, shaped like Aspire's
/// <c>AddPostgres</c> (generated password parameter, the same connection strings, a health check, databases created
/// when the server is ready), for machines without a container runtime. Run mode only: it stays out of manifests.
/// </summary>
public static class LocalPostgresBuilderExtensions
{
    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var binaries = PostgresBinaries.Find();
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");
        var (command, prefix) = binaries.Command(binaries.Postgres);
        var server = new LocalPostgresServerResource(name, command, LocalDataDirectory.For(builder, name), password);
        // --fresh empties the data once per run of the AppHost, not again when the server is restarted from the dashboard.
        var fresh = builder.Configuration.GetValue<bool>("fresh");

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, async (@event, cancellationToken) =>
        {
            var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
            LocalDataDirectory.Prepare(server.DataDirectory, fresh);
            fresh = false;
            await new PostgresDataDirectory(binaries, server.DataDirectory)
                .PrepareAsync(await password.GetValueAsync(cancellationToken) ?? "", message => logger.LogInformation("{Message}", message), cancellationToken);
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
                context.Args.Add(server.DataDirectory);
                context.Args.Add("-p");
                context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
                // Loopback only, and TCP only: no socket file to clash with the machine's own PostgreSQL.
                context.Args.Add("-c");
                context.Args.Add("listen_addresses=127.0.0.1");
                context.Args.Add("-c");
                context.Args.Add("unix_socket_directories=");
                foreach (var arg in PostgresServerSettings.Arguments(binaries.HasStatementStatistics))
                {
                    context.Args.Add(arg);
                }
            })
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    /// <summary>Where the cluster lives, as <c>WithDataVolume</c> names a container's volume; the default is the AppHost's own.</summary>
    public static IResourceBuilder<LocalPostgresServerResource> WithDataDirectory(this IResourceBuilder<LocalPostgresServerResource> builder, string path)
    {
        builder.Resource.DataDirectory = Path.GetFullPath(path, builder.ApplicationBuilder.AppHostDirectory);
        // The server runs in its data directory: the postgres user can always enter it.
        return builder.WithWorkingDirectory(builder.Resource.DataDirectory);
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

        return builder.ApplicationBuilder.AddResource(database).WithHealthCheck(healthCheckKey).ExcludeFromManifest();
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

    /// <summary>Creates the database unless it exists; another AppHost racing to create it is not an error.</summary>
    private static async Task CreateDatabaseIfMissingAsync(NpgsqlConnection connection, string databaseName, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = databaseName } } };
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }
        await using var create = new NpgsqlCommand($"CREATE DATABASE {new NpgsqlCommandBuilder().QuoteIdentifier(databaseName)}", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
        }
    }
}
