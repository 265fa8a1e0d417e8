using System.Net;
using System.Net.Sockets;
using WebhookDispatcher.Worker.Delivery;

namespace WebhookDispatcher.Tests.Targets;

/// <summary>The Worker's last line against SSRF: the address actually connected to is checked, whatever the URL said.</summary>
public class PublicAddressConnectorTests
{
    [Theory]
    [InlineData("http://127.0.0.1:{0}/hook")]
    [InlineData("http://localhost:{0}/hook")]
    [InlineData("http://[::1]:{0}/hook")]
    public async Task ConnectingToALoopbackListener_IsRefused(string template)
    {
        using var listener = new TcpListener(IPAddress.IPv6Any, 0) { Server = { DualMode = true } };
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var client = new HttpClient(new SocketsHttpHandler { ConnectCallback = PublicAddressConnector.ConnectAsync });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(string.Format(template, port), new StringContent("{}")));

        Assert.Contains("Refused", error.Message + error.InnerException?.Message);
        Assert.False(listener.Pending(), "no connection reached the listener");
    }
}
