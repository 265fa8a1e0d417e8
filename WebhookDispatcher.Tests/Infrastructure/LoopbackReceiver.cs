using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WebhookDispatcher.Tests.Infrastructure;

/// <summary>
/// A receiver the test runs itself on 127.0.0.1 (a free port): it notes when each request arrived, on which path,
/// with which headers and body and what it answered, and answers with <see cref="StatusCode"/> (and, when that is a 2xx, the
/// success body it was started with). What a merchant's server, or Slack's and PagerDuty's endpoints, see.
/// </summary>
public sealed class LoopbackReceiver : IAsyncDisposable
{
    public sealed record Arrival(DateTimeOffset At, string Path, string Body, int Status)
    {
        public bool Succeeded => Status is >= 200 and < 300;

        /// <summary>The request's headers, names lower-cased; several values of one name joined with ", ".</summary>
        public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

        public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
    }

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Arrival> _arrivals = new();
    private volatile int _statusCode;

    private LoopbackReceiver(WebApplication app, int statusCode)
    {
        _app = app;
        _statusCode = statusCode;
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>What every request is answered with from now on.</summary>
    public int StatusCode
    {
        get => _statusCode;
        set => _statusCode = value;
    }

    public IReadOnlyList<Arrival> Arrivals => _arrivals.ToArray();

    public IReadOnlyList<Arrival> ArrivalsAt(string path) => _arrivals.Where(a => a.Path == path).ToArray();

    /// <summary>The requests answered with a 2xx, as JSON, in the order they came.</summary>
    public IReadOnlyList<JsonElement> Accepted => [.. _arrivals.Where(a => a.Succeeded).Select(a => a.Json)];

    /// <param name="successBody">Sent with every 2xx answer (Slack answers "ok", PagerDuty a small JSON document).</param>
    public static async Task<LoopbackReceiver> StartAsync(int statusCode = 200, string? successBody = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new LoopbackReceiver(app, statusCode);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var status = receiver._statusCode;
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            receiver._arrivals.Enqueue(new Arrival(DateTimeOffset.UtcNow, context.Request.Path.Value ?? "/", body, status) { Headers = headers });
            context.Response.StatusCode = status;
            if (successBody is not null && status is >= 200 and < 300)
            {
                await context.Response.WriteAsync(successBody);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(address.TrimEnd('/') + "/");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
