using System.Net;
using System.Net.Sockets;
using WebhookDispatcher.Core.Targets;

namespace WebhookDispatcher.Worker.Delivery;

/// <summary>
/// The HTTP connection step, checking what is actually connected to: the scheme and port the rules allow, and,
/// unless private targets are allowed, only addresses outside <see cref="RefusedAddressRanges"/>. Checked here, at
/// send time, so an endpoint stored before the rules changed, or DNS that changes after registration (rebinding),
/// can't point a webhook at the inside of our network.
/// </summary>
public sealed class PublicAddressConnector(TargetRules rules)
{
    /// <summary>Whether the rules leave anything to check; if not, the handler's own connect is as good.</summary>
    public bool ChecksAnything => !rules.AllowPrivateTargets || rules.RequireHttps || rules.AllowedPorts is not null;

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        // A connection is pooled for one scheme, host and port, so the request it was opened for speaks for all its requests.
        if (context.InitialRequestMessage.RequestUri is { } uri && rules.CheckSchemeAndPort(uri) is { } problem)
        {
            throw new HttpRequestException($"Refused: {problem}");
        }
        if (rules.AllowedPorts is { } ports && !ports.Contains(port))
        {
            throw new HttpRequestException($"Refused: port {port} is not one of the allowed ports.");
        }

        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = rules.AllowPrivateTargets ? addresses : addresses.Where(AddressClassifier.IsPublic).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"Refused: '{host}' resolves only to private, loopback, link-local, metadata or otherwise internal addresses.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
