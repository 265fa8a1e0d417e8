using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace WebhookDispatcher.Core.Storage;

/// <summary>
/// Applies the embedded, numbered SQL migrations in order, each in its own transaction, under a
/// session advisory lock so an Api and a Worker starting together never race. Re-running is a no-op.
/// </summary>
public sealed class DatabaseMigrator(NpgsqlDataSource dataSource, ILogger<DatabaseMigrator> logger)
{
    // Any fixed number will do; it only has to be the same in every process that migrates.
    private const long AdvisoryLockKey = 0x5745_4248_4f4f_4b53; // "WEBHOOKS"

    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations { get; } = LoadMigrations();

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Execute(connection, "SELECT pg_advisory_lock(@key)", cancellationToken, ("key", AdvisoryLockKey));
        try
        {
            await Execute(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken);

            var applied = new HashSet<int>();
            await using (var command = new NpgsqlCommand("SELECT version FROM schema_migrations", connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            foreach (var (version, name, sql) in Migrations.Where(m => !applied.Contains(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var command = new NpgsqlCommand(sql, connection, transaction))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }
                await using (var record = new NpgsqlCommand(
                    "INSERT INTO schema_migrations (version, name) VALUES (@version, @name)", connection, transaction))
                {
                    record.Parameters.AddWithValue("version", version);
                    record.Parameters.AddWithValue("name", name);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied migration {Version} {Name}", version, name);
            }
        }
        finally
        {
            await Execute(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", AdvisoryLockKey));
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<(int, string, string)> LoadMigrations()
    {
        var assembly = typeof(DatabaseMigrator).Assembly;
        var migrations = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Migrations.", StringComparison.Ordinal)))
        {
            // "Migrations.0001_initial.sql" → (1, "initial")
            var fileName = resource["Migrations.".Length..^".sql".Length];
            var separator = fileName.IndexOf('_');
            var version = int.Parse(fileName[..separator], System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add((version, fileName[(separator + 1)..], reader.ReadToEnd()));
        }
        return [.. migrations.OrderBy(m => m.Item1)];
    }
}
