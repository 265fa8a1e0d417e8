using WebhookDispatcher.AppHost.Dashboard;

namespace WebhookDispatcher.Tests.Dashboard;

public sealed class DashboardSmokeTests
{
    [Fact]
    public async Task Serves_the_page_and_blazor_script()
    {
        var settings = new DashboardSettings(new Uri("http://127.0.0.1:0"), new Uri("http://127.0.0.1:0"), "key", null, null);
        await using var running = (RunningDashboard)await DashboardServer.StartAsync(settings, new FakeResourceMonitor(), CancellationToken.None);
        using var http = new HttpClient { BaseAddress = running.BrowserUrl };
        var page = await http.GetAsync("/");
        Assert.True(page.IsSuccessStatusCode, $"{page.StatusCode}");
        var script = await http.GetAsync("/_framework/blazor.web.js");
        Assert.True(script.IsSuccessStatusCode, $"{script.StatusCode}");
        var css = await http.GetAsync("/dashboard.css");
        Assert.True(css.IsSuccessStatusCode, $"{css.StatusCode}");
    }
}
