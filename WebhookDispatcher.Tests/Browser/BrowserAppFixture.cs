using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using WebhookDispatcher.Bench.Hosting;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Browser;

/// <summary>
/// The whole system with the real Aspire dashboard, started once for the browser tests: the AppHost's own model,
/// a MockReceiver accepting everything, and a Worker that gives up after two quick attempts, so a test sees a
/// delivery to a failing endpoint go dead in seconds and can retry it from the operator console.
/// </summary>
public sealed class BrowserAppFixture : IAsyncLifetime
{
    /// <summary>The engine tests' fast retries, with two attempts: a dead delivery in seconds.</summary>
    private static readonly IReadOnlyDictionary<string, string> FewFastAttempts =
        new Dictionary<string, string>(EngineAppFixture.FastRetries) { ["Dispatcher__MaxAttempts"] = "2" };

    public AppHostRun Run { get; private set; } = null!;

    public DistributedApplication App => Run.App;

    public HttpClient Api { get; private set; } = null!;

    public HttpClient Receiver { get; private set; } = null!;

    /// <summary>The MockReceiver's base address (ending in /), as the Worker reaches it.</summary>
    public Uri ReceiverUrl { get; private set; } = null!;

    public Uri ConsoleUrl { get; private set; } = null!;

    public Uri DashboardUrl => Run.Dashboard!.Value.Url;

    /// <summary>The link that logs a browser in to the dashboard (it sets the dashboard's auth cookie).</summary>
    public Uri DashboardLoginUrl => new(DashboardUrl, $"/login?t={Run.Dashboard!.Value.BrowserToken}");

    public async Task InitializeAsync()
    {
        Run = await AppHostRun.CreateAsync(["--receiver-failure-rate", "0", "--receiver-hang-rate", "0"], dashboard: true);
        try
        {
            var worker = Run.Builder.CreateResourceBuilder<ProjectResource>("worker");
            foreach (var (name, value) in FewFastAttempts)
            {
                worker.WithEnvironment(name, value);
            }
            await Run.StartAsync();
            Api = App.CreateHttpClient("api");
            Receiver = App.CreateHttpClient("mockreceiver");
            ReceiverUrl = App.GetEndpoint("mockreceiver", "http");
            ConsoleUrl = App.GetEndpoint("console", "http");
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        Receiver?.Dispose();
        if (Run is not null)
        {
            await Run.DisposeAsync();
            Run = null!;
        }
    }

    /// <summary>Posts an event to the Api's POST /events and returns its id.</summary>
    public async Task<Guid> PostEventAsync(object body)
    {
        using var response = await Api.PostAsJsonAsync("/events", body);
        Assert.True(response.IsSuccessStatusCode, $"POST /events answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        using var json = await response.Content.ReadFromJsonAsync<JsonDocument>();
        return json!.RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>Waits until GET /status/{id} says <paramref name="status"/> (delivered, dead).</summary>
    public Task WaitForStatusAsync(Guid id, string status) =>
        EngineAppFixture.EventuallyAsync(async () =>
        {
            using var answer = await Api.GetFromJsonAsync<JsonDocument>($"/status/{id}");
            return answer!.RootElement.GetProperty("status").GetString() == status;
        }, $"event {id} is {status}", ChromiumFixture.Patience);

    /// <summary>
    /// Registers an endpoint for <paramref name="merchant"/> at <paramref name="url"/> (the MockReceiver's /respond/500
    /// to fail every attempt, /webhook/{merchant} to accept), and has the MockReceiver trust its secret.
    /// </summary>
    public async Task<Guid> RegisterTrustedEndpointAsync(string merchant, Uri url)
    {
        using var response = await Api.PostAsJsonAsync($"/merchants/{merchant}/endpoints", new { url });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var endpoint = await response.Content.ReadFromJsonAsync<JsonDocument>();
        using (var trust = await Receiver.PostAsJsonAsync("/secrets", new { secret = endpoint!.RootElement.GetProperty("secret").GetString() }))
        {
            trust.EnsureSuccessStatusCode();
        }
        return endpoint.RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>The merchant fixes their endpoint: it now points at the MockReceiver's accepting /webhook/{merchant}.</summary>
    public async Task FixEndpointAsync(string merchant, Guid endpointId)
    {
        using var fix = await Api.PatchAsJsonAsync($"/merchants/{merchant}/endpoints/{endpointId}", new { url = new Uri(ReceiverUrl, $"webhook/{merchant}") });
        fix.EnsureSuccessStatusCode();
    }

    /// <summary>GET /merchants/{merchant}/endpoints/{id}: the endpoint as the Api has it now.</summary>
    public async Task<JsonDocument> GetEndpointAsync(string merchant, Guid endpointId) =>
        (await Api.GetFromJsonAsync<JsonDocument>($"/merchants/{merchant}/endpoints/{endpointId}"))!;

    /// <summary>GET /events/{id}: the event with its deliveries and attempts.</summary>
    public async Task<JsonDocument> GetEventAsync(Guid id) => (await Api.GetFromJsonAsync<JsonDocument>($"/events/{id}"))!;
}
