using StackExchange.Redis;
using WebhookDispatcher.Core;

namespace WebhookDispatcher.Api.Ingestion;

/// <summary>
/// Tells Workers, through Redis, that deliveries are due now. Called only after the events are committed.
/// Redis accelerates and never decides: when it is down the publish is skipped (and logged), the request still
/// succeeds, and Workers find the deliveries by polling.
/// </summary>
public sealed class WakeUpPublisher(IConnectionMultiplexer redis, ILogger<WakeUpPublisher> logger)
{
    private static readonly RedisChannel Channel = RedisChannel.Literal(WakeUpChannel.Name);

    public void Publish(int deliveryCount)
    {
        if (deliveryCount == 0)
        {
            return;
        }
        if (!redis.IsConnected)
        {
            logger.LogDebug("Redis is down; Workers will find {Count} deliveries by polling", deliveryCount);
            return;
        }
        try
        {
            // Fire and forget: ingestion never waits on Redis.
            redis.GetSubscriber().Publish(Channel, deliveryCount, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            logger.LogWarning(ex, "Wake-up publish failed; Workers will find the deliveries by polling");
        }
    }
}
