using System.Net;
using System.Net.Sockets;
using WebhookDispatcher.AppHost.Dashboard;

namespace WebhookDispatcher.Tests.Dashboard;

/// <summary>Starting and stopping: a taken port is one clear error, and disposing frees both ports.</summary>
public sealed class DashboardServerTests
{
    [Fact]
    public async Task A_taken_port_is_one_clear_error_naming_the_url()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var settings = new DashboardSettings(new Uri($"http://127.0.0.1:{port}"), new Uri("http://127.0.0.1:0"), "key", null, null);

        var error = await Assert.ThrowsAsync<DashboardStartException>(() => DashboardServer.StartAsync(settings, new FakeResourceMonitor(), CancellationToken.None));
        Assert.Contains($"http://127.0.0.1:{port}/", error.Message);
        Assert.Contains("dashboard could not listen", error.Message);
    }

    [Fact]
    public async Task A_taken_otlp_port_names_the_receiver()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var settings = new DashboardSettings(new Uri("http://127.0.0.1:0"), new Uri($"http://127.0.0.1:{port}"), "key", null, null);

        var error = await Assert.ThrowsAsync<DashboardStartException>(() => DashboardServer.StartAsync(settings, new FakeResourceMonitor(), CancellationToken.None));
        Assert.Contains("OTLP receiver could not listen", error.Message);
    }

    [Fact]
    public async Task Disposing_stops_both_servers()
    {
        var settings = new DashboardSettings(new Uri("http://127.0.0.1:0"), new Uri("http://127.0.0.1:0"), "key", null, null);
        var running = (RunningDashboard)await DashboardServer.StartAsync(settings, new FakeResourceMonitor(), CancellationToken.None);
        using var http = new HttpClient();
        Assert.True((await http.GetAsync(running.BrowserUrl)).IsSuccessStatusCode);
        Assert.True((await http.GetAsync(new Uri(running.BrowserUrl, "/_framework/blazor.web.js"))).IsSuccessStatusCode);

        await running.DisposeAsync();
        await running.DisposeAsync();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(running.BrowserUrl));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(running.OtlpHttpUrl));
    }

    [Fact]
    public async Task An_empty_otlp_api_key_is_refused()
    {
        var settings = new DashboardSettings(new Uri("http://127.0.0.1:0"), new Uri("http://127.0.0.1:0"), "", null, null);
        await Assert.ThrowsAsync<DashboardStartException>(() => DashboardServer.StartAsync(settings, new FakeResourceMonitor(), CancellationToken.None));
    }
}
