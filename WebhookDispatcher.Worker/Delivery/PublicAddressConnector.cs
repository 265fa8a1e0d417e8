using System.Net;
using System.Net.Sockets;
using WebhookDispatcher.Core.Targets;

namespace WebhookDispatcher.Worker.Delivery;

/// <summary>
/// The HTTP connection step, checking the address actually connected to: a merchant URL that resolves to a private,
/// loopback or link-local address is refused here, at send time, so DNS that changes after registration
/// (rebinding) can't point a webhook at the inside of our network.
/// </summary>
public static class PublicAddressConnector
{
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(AddressClassifier.IsPublic).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"Refused: '{host}' resolves only to private, loopback or link-local addresses.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
