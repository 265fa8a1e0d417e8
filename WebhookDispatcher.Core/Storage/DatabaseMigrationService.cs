using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace WebhookDispatcher.Core.Storage;

/// <summary>
/// Runs the migrations before the host starts serving, so no request or claim ever meets a missing table.
/// PostgreSQL may still be starting (the AppHost starts everything together), so it retries for a while.
/// </summary>
public sealed class DatabaseMigrationService(DatabaseMigrator migrator, ILogger<DatabaseMigrationService> logger) : IHostedLifecycleService
{
    private static readonly TimeSpan RetryWindow = TimeSpan.FromSeconds(60);

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + RetryWindow;
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                await migrator.MigrateAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException { IsTransient: true } or SocketException && DateTime.UtcNow < deadline)
            {
                logger.LogWarning("Database not ready for migrations, retrying in {Delay}: {Message}", delay, ex.Message);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
