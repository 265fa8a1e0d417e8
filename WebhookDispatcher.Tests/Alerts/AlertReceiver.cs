using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WebhookDispatcher.Tests.Alerts;

/// <summary>
/// A stand-in for Slack's incoming webhook or PagerDuty's Events API: Kestrel on a free loopback port, keeping every
/// request it is sent with the status it answered, and answering whatever the test sets (an outage: 503).
/// </summary>
public sealed class AlertReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedAlert> _received = new();

    private AlertReceiver(WebApplication app, int successStatus, string successBody)
    {
        _app = app;
        SuccessStatus = successStatus;
        app.MapPost("/{**path}", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var status = Status;
            _received.Enqueue(new ReceivedAlert(request.Path, body, status));
            return status == SuccessStatus
                ? Results.Text(successBody, "application/json", statusCode: status)
                : Results.Text("service unavailable", "text/plain", statusCode: status);
        });
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>What a request is answered now.</summary>
    public int Status { get; set; }

    public int SuccessStatus { get; }

    public IReadOnlyList<ReceivedAlert> Received => [.. _received];

    /// <summary>The requests answered with success, as JSON, in the order they came.</summary>
    public IReadOnlyList<JsonElement> Accepted => [.. _received.Where(r => r.Status == SuccessStatus).Select(r => r.Json)];

    /// <param name="successStatus">Slack answers 200 "ok"; PagerDuty 202 with a small JSON body.</param>
    public static async Task<AlertReceiver> StartAsync(int successStatus, string successBody)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new AlertReceiver(builder.Build(), successStatus, successBody) { Status = successStatus };
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.BaseUrl = new Uri(address);
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedAlert(string Path, string Body, int Status)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
}
