namespace WebhookDispatcher.AppHost.Hosting;

public static class PostgresBuilderExtensions
{
    /// <summary>A PostgreSQL server on a free port (or <paramref name="port"/>), with a generated password kept with the data.</summary>
    public static IResourceBuilder<PostgresServerResource> AddPostgres(this DistributedApplicationBuilder builder, string name, int? port = null)
    {
        var password = builder.AddPasswordParameter($"{name}-password");
        var server = new PostgresServerResource(name, password.Resource);
        server.Endpoints.Add(new EndpointAnnotation(server, "tcp", "tcp", port));
        server.HealthProbes.Add(new PostgresHealthProbe(() => server.GetConnectionString() + ";Database=postgres"));
        return builder.AddResource(server);
    }

    /// <summary>A database on the server, created on first start; its connection string is what services reference.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> builder, string name, string? databaseName = null)
    {
        var database = new PostgresDatabaseResource(name, databaseName ?? name, builder.Resource);
        database.WaitsFor.Add(builder.Resource);
        database.References.Add(builder.Resource);
        database.HealthProbes.Add(new PostgresHealthProbe(database.GetConnectionString));
        builder.Resource.Databases.Add(database);
        return builder.ApplicationBuilder.AddResource(database);
    }
}
