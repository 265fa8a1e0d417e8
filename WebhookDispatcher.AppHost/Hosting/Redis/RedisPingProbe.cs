using System.Net.Sockets;
using System.Text;

namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>Healthy while Redis accepts the password and answers PING with PONG, spoken in plain RESP.</summary>
internal sealed class RedisPingProbe(RedisResource redis) : IHealthProbe
{
    public async Task<bool> IsHealthyAsync(int replica, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("localhost", redis.GetEndpoint("tcp").GetPort(replica), timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.UTF8.GetBytes(Command("AUTH", redis.Password.Value) + Command("PING")), timeout.Token);

            var reader = new StreamReader(stream, Encoding.UTF8);
            var auth = await reader.ReadLineAsync(timeout.Token);
            var ping = await reader.ReadLineAsync(timeout.Token);
            return auth == "+OK" && ping == "+PONG";
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static string Command(params string[] parts) =>
        $"*{parts.Length}\r\n" + string.Concat(parts.Select(p => $"${Encoding.UTF8.GetByteCount(p)}\r\n{p}\r\n"));
}
