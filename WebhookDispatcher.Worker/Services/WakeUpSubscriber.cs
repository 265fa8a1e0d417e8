using StackExchange.Redis;
using WebhookDispatcher.Core;
using WebhookDispatcher.Worker.Delivery;

namespace WebhookDispatcher.Worker.Services;

/// <summary>
/// Listens on the Redis wake-up channel and starts a claim cycle at once when the Api publishes. If Redis is
/// down at start it keeps trying in the background; once subscribed, StackExchange.Redis restores the
/// subscription after an outage by itself. Anything published while Redis was away is found by the poll, and a
/// restored connection triggers a claim cycle too.
/// </summary>
public sealed class WakeUpSubscriber(IConnectionMultiplexer redis, DeliveryWakeUp wakeUp, ILogger<WakeUpSubscriber> logger) : BackgroundService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal(WakeUpChannel.Name);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionRestored += (_, _) => wakeUp.Signal.Set();
        var delay = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await redis.GetSubscriber().SubscribeAsync(Channel, (_, _) => wakeUp.Signal.Set());
                logger.LogInformation("Subscribed to Redis channel {Channel}", WakeUpChannel.Name);
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogWarning("Redis subscription failed, polling until it succeeds: {Message}", ex.Message);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 10));
            }
        }
    }
}
