using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace WebhookDispatcher.Bench.Load;

/// <summary>
/// The bench's own merchant: a bare Kestrel endpoint in this process that accepts every webhook with 200, checks
/// nothing, and notes when each <c>webhook-id</c> first arrived (a <see cref="Stopwatch"/> timestamp, the same
/// clock the load generator stamps its 202s with, so latency needs no clock sync). Cheaper than the MockReceiver,
/// which verifies two HMACs per request: the bench measures the engine, and this is what it delivers to.
/// </summary>
public sealed class ArrivalReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, long> _firstArrival = new();
    private long _received;
    private long _duplicates;
    private long _firstTimestamp;
    private long _lastTimestamp;

    private ArrivalReceiver(WebApplication app, int port)
    {
        _app = app;
        Url = new Uri($"http://127.0.0.1:{port}/webhook");
    }

    /// <summary>Where webhooks go: POST here (any path under it works too).</summary>
    public Uri Url { get; }

    public long Received => Interlocked.Read(ref _received);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long FirstTimestamp => Interlocked.Read(ref _firstTimestamp);

    public long LastTimestamp => Interlocked.Read(ref _lastTimestamp);

    /// <summary>When the n-th distinct webhook (1-based) arrived: the moment a drain has done n.</summary>
    public long NthArrival(int n)
    {
        var all = _firstArrival.Values.ToArray();
        if (n < 1 || n > all.Length)
        {
            return 0;
        }
        Array.Sort(all);
        return all[n - 1];
    }

    /// <summary>When a webhook-id first arrived, as a Stopwatch timestamp.</summary>
    public bool TryGetArrival(string webhookId, out long timestamp) => _firstArrival.TryGetValue(webhookId, out timestamp);

    public static async Task<ArrivalReceiver> StartAsync(bool recordIds, CancellationToken cancellationToken = default)
    {
        var port = Hosting.NativeProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // The handler never blocks, so it can run on the socket's own thread: a thread hand-off less per request,
        // which on two shared cores is CPU the engine gets instead.
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenLocalhost(port, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.AddServerHeader = false;
        });
        var app = builder.Build();
        var receiver = new ArrivalReceiver(app, port);
        app.Run(context => receiver.HandleAsync(context, recordIds));
        await app.StartAsync(cancellationToken);
        return receiver;
    }

    public void Reset()
    {
        _firstArrival.Clear();
        Interlocked.Exchange(ref _received, 0);
        Interlocked.Exchange(ref _duplicates, 0);
        Interlocked.Exchange(ref _firstTimestamp, 0);
        Interlocked.Exchange(ref _lastTimestamp, 0);
    }

    private async Task HandleAsync(HttpContext context, bool recordIds)
    {
        var now = Stopwatch.GetTimestamp();
        // Read the body as a merchant would; the answer waits for it.
        var body = context.Request.BodyReader;
        while (true)
        {
            var read = await body.ReadAsync(context.RequestAborted);
            body.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }
        if (recordIds && context.Request.Headers.TryGetValue("webhook-id", out var id))
        {
            if (!_firstArrival.TryAdd(id.ToString(), now))
            {
                Interlocked.Increment(ref _duplicates);
            }
        }
        Interlocked.CompareExchange(ref _firstTimestamp, now, 0);
        InterlockedMax(ref _lastTimestamp, now);
        Interlocked.Increment(ref _received);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
