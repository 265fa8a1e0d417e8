using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Api.Security;

/// <summary>
/// At start-up, seals the signing secrets still stored in plaintext (rows from before sealing), so an upgrade
/// leaves none in the clear without waiting for an operator. It does not move secrets from an older key to the
/// active one: during a rolling change of key a Worker may not hold the new key yet, and that is the operator's
/// call (POST /admin/secrets/reseal). It retries while the database is unreachable.
/// </summary>
public sealed class PlaintextSecretSealing(EndpointStore endpoints, ILogger<PlaintextSecretSealing> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var reseal = await endpoints.ResealAsync(plaintextOnly: true, stoppingToken);
                if (reseal.Resealed > 0)
                {
                    logger.LogInformation("Sealed the plaintext signing secrets of {Count} endpoints under key {Key}", reseal.Resealed, reseal.ActiveKey);
                }
                if (reseal.Unreadable.Count > 0)
                {
                    logger.LogError("The signing secrets of {Count} endpoints do not open: {Endpoints}", reseal.Unreadable.Count, string.Join(", ", reseal.Unreadable));
                }
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Sealing plaintext secrets failed, retrying in {Delay}: {Message}", delay, ex.Message);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
        }
    }
}
