using Npgsql;

namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>Healthy while PostgreSQL accepts a connection (with the password) to the database and answers a query.</summary>
internal sealed class PostgresHealthProbe(Func<string> connectionString) : IHealthProbe
{
    public async Task<bool> IsHealthyAsync(int replica, CancellationToken cancellationToken)
    {
        // No pooling: a probe must not keep sessions open that a restart of the server would leave broken.
        var builder = new NpgsqlConnectionStringBuilder(connectionString()) { Pooling = false, Timeout = 2, CommandTimeout = 2 };
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
