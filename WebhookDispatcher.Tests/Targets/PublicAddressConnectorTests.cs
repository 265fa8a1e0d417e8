using System.Net;
using System.Net.Sockets;
using WebhookDispatcher.Core.Targets;
using WebhookDispatcher.Worker.Delivery;

namespace WebhookDispatcher.Tests.Targets;

/// <summary>The Worker's last line against SSRF: the address and port actually connected to are checked, whatever the URL said.</summary>
public class PublicAddressConnectorTests
{
    [Theory]
    [InlineData("http://127.0.0.1:{0}/hook")]
    [InlineData("http://localhost:{0}/hook")]
    [InlineData("http://[::1]:{0}/hook")]
    [InlineData("http://[::ffff:127.0.0.1]:{0}/hook")]
    [InlineData("http://2130706433:{0}/hook")]
    public async Task ConnectingToALoopbackListener_IsRefused(string template)
    {
        using var listener = StartListener(out var port);
        var connector = new PublicAddressConnector(TargetRules.Permissive(allowPrivateTargets: false));
        using var client = new HttpClient(new SocketsHttpHandler { ConnectCallback = connector.ConnectAsync, UseProxy = false });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(string.Format(template, port), new StringContent("{}")));

        Assert.Contains("Refused", error.Message + error.InnerException?.Message);
        Assert.False(listener.Pending(), "no connection reached the listener");
    }

    [Fact]
    public async Task ConnectingToAPortThatIsNotAllowed_IsRefused_EvenWherePrivateTargetsAreAllowed()
    {
        using var listener = StartListener(out var port);
        var connector = new PublicAddressConnector(new TargetRules(AllowPrivateTargets: true, RequireHttps: false, AllowedPorts: new HashSet<int> { 443 }));
        using var client = new HttpClient(new SocketsHttpHandler { ConnectCallback = connector.ConnectAsync, UseProxy = false });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync($"http://127.0.0.1:{port}/hook", new StringContent("{}")));

        Assert.Contains("Dispatcher:AllowedPorts", error.Message + error.InnerException?.Message);
        Assert.False(listener.Pending(), "no connection reached the listener");
    }

    [Fact]
    public async Task ConnectingOverHttp_WhereHttpsIsRequired_IsRefused()
    {
        using var listener = StartListener(out var port);
        var connector = new PublicAddressConnector(new TargetRules(AllowPrivateTargets: true, RequireHttps: true, AllowedPorts: null));
        using var client = new HttpClient(new SocketsHttpHandler { ConnectCallback = connector.ConnectAsync, UseProxy = false });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync($"http://127.0.0.1:{port}/hook", new StringContent("{}")));

        Assert.Contains("Dispatcher:RequireHttps", error.Message + error.InnerException?.Message);
        Assert.False(listener.Pending(), "no connection reached the listener");
    }

    [Fact]
    public async Task WherePrivateTargetsAndThePortAreAllowed_TheConnectionIsMade()
    {
        using var listener = StartListener(out var port);
        var connector = new PublicAddressConnector(new TargetRules(AllowPrivateTargets: true, RequireHttps: false, AllowedPorts: new HashSet<int> { port }));
        using var client = new HttpClient(new SocketsHttpHandler { ConnectCallback = connector.ConnectAsync, UseProxy = false });
        using var cancel = new CancellationTokenSource();

        var sending = client.PostAsync($"http://127.0.0.1:{port}/hook", new StringContent("{}"), cancel.Token);
        using var accepted = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30));
        cancel.Cancel();

        Assert.True(accepted.Connected);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
    }

    private static TcpListener StartListener(out int port)
    {
        var listener = new TcpListener(IPAddress.IPv6Any, 0) { Server = { DualMode = true } };
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }
}
