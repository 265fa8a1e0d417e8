using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Storage;

/// <summary>
/// The services' data source (ServiceDefaults' AddWebhooksDataSource) hands connections back to the pool without
/// resetting their session state. That is only safe because the engine leaves none: these tests run the hot
/// statements on a pool of one connection and look at what the next user of that connection finds.
/// </summary>
public sealed class PooledConnectionTests(ThrowawayPostgres server) : IClassFixture<ThrowawayPostgres>
{
    // Every setting StablePlans changes, with PostgreSQL's default.
    private static readonly (string Name, string Default)[] PlanSettings =
    [
        ("enable_seqscan", "on"), ("enable_bitmapscan", "on"), ("enable_sort", "on"), ("enable_nestloop", "on"),
        ("jit", "on"), ("plan_cache_mode", "auto"),
    ];

    [Fact]
    public async Task TheHotStatements_LeaveNoSettingBehindOnTheirConnection()
    {
        using var host = ServiceHost(server.ConnectionString + ";Maximum Pool Size=1");
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        Assert.True(new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).NoResetOnClose, dataSource.ConnectionString);
        await new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
        var events = new IngestTransaction(dataSource);
        var queue = new DeliveryQueue(dataSource);
        var deliveries = new DeliveryStore(dataSource);

        await events.IngestAsync([new NewEvent(Guid.NewGuid(), "merchant_pool", "payment.succeeded", """{"n":1}""", null, null, null)]);
        await AssertDefaultsAsync(dataSource, "the ingest");

        var claimed = Assert.Single(await queue.ClaimAsync(10, "worker-pool", TimeSpan.FromSeconds(30), "http://127.0.0.1:9/"));
        await AssertDefaultsAsync(dataSource, "the claim");

        await queue.RecordOutcomesAsync([new DeliveryOutcome(claimed.Id, claimed.AttemptCount, "delivered", TimeSpan.Zero,
            Attempted: true, 200, null, DateTimeOffset.UtcNow, 1.0)], "worker-pool");
        await AssertDefaultsAsync(dataSource, "the outcome");

        await queue.NextDueAsync();
        await deliveries.CountQueuedAsync();
        await AssertDefaultsAsync(dataSource, "next-due and the queue-depth count");
    }

    [Fact]
    public async Task ATransactionLeftOpen_IsRolledBackBeforeTheConnectionIsReused()
    {
        using var host = ServiceHost(server.ConnectionString + ";Maximum Pool Size=1");
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await Execute(connection, "CREATE TABLE IF NOT EXISTS pool_probe (n int)");
        }
        int backend;
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            backend = await Scalar<int>(connection, "SELECT pg_backend_pid()");
            var transaction = await connection.BeginTransactionAsync();
            await Execute(connection, "INSERT INTO pool_probe VALUES (1)");
            // Neither committed nor disposed: the connection goes back to the pool mid-transaction.
            GC.KeepAlive(transaction);
        }
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            Assert.Equal(backend, await Scalar<int>(connection, "SELECT pg_backend_pid()"));
            // The same backend: had its transaction stayed open, the row would be visible here.
            Assert.Equal(0L, await Scalar<long>(connection, "SELECT count(*) FROM pool_probe"));
            // And not inside it: the old transaction had an id from its insert; a fresh one has none yet.
            Assert.True(await Scalar<bool>(connection, "SELECT txid_current_if_assigned() IS NULL"), "The connection came back inside the old transaction.");
        }
    }

    [Fact]
    public async Task AConnectionStringThatAsksForTheReset_GetsIt()
    {
        using var host = ServiceHost(server.ConnectionString + ";Maximum Pool Size=1;No Reset On Close=false");
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await Execute(connection, "SET application_name = 'left behind'");
        }
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            Assert.NotEqual("left behind", await Scalar<string>(connection, "SELECT current_setting('application_name')"));
        }
    }

    private static async Task AssertDefaultsAsync(NpgsqlDataSource dataSource, string after)
    {
        // The pool's one connection, not reset: a setting left at session level would show here.
        await using var connection = await dataSource.OpenConnectionAsync();
        foreach (var (name, expected) in PlanSettings)
        {
            var actual = await Scalar<string>(connection, $"SELECT current_setting('{name}')");
            Assert.True(expected == actual, $"After {after}, {name} is '{actual}' on the pooled connection, not '{expected}'.");
        }
    }

    private static IHost ServiceHost(string connectionString)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:webhooks"] = connectionString });
        builder.AddWebhooksDataSource();
        return builder.Build();
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> Scalar<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
