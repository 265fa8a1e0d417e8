using System.Collections.Concurrent;
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
/// with which body, and answers with <see cref="StatusCode"/>. What a merchant's server or an alert channel sees.
/// </summary>
public sealed class LoopbackReceiver : IAsyncDisposable
{
    public sealed record Arrival(DateTimeOffset At, string Path, string Body);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Arrival> _arrivals = new();
    private volatile int _statusCode = 200;

    private LoopbackReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>What every request is answered with from now on.</summary>
    public int StatusCode
    {
        get => _statusCode;
        set => _statusCode = value;
    }

    public IReadOnlyList<Arrival> Arrivals => _arrivals.ToArray();

    public IReadOnlyList<Arrival> ArrivalsAt(string path) => _arrivals.Where(a => a.Path == path).ToArray();

    public static async Task<LoopbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new LoopbackReceiver(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            receiver._arrivals.Enqueue(new Arrival(DateTimeOffset.UtcNow, context.Request.Path.Value ?? "/", body));
            context.Response.StatusCode = receiver._statusCode;
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
