using System.Net.Http.Headers;
using WebhookDispatcher.Bench.Load;
using WebhookDispatcher.Bench.Reporting;
using WebhookDispatcher.Core.Delivery;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Bench.Scenarios;

/// <summary>
/// The machine's own limits, measured in the same run: how fast the receiver answers a plain HttpClient loop with
/// the Worker's connection settings (the most any number of Workers could deliver), and how fast PostgreSQL takes
/// the ingestion INSERTs without HTTP (the most the Api could accept): a thousand events a statement, the ceiling;
/// and one event a commit, for comparison (what an Api without group commit would be held to).
/// </summary>
public static class CeilingScenario
{
    /// <param name="database">Measure the database too (only the ingest figures are fractions of it).</param>
    public static async Task<Ceilings> RunAsync(BenchContext context, bool database, CancellationToken cancellationToken)
    {
        var receiver = await ReceiverAsync(context, cancellationToken);
        var single = new List<IngestLevel>();
        var batch = 0.0;
        if (database)
        {
            foreach (var connections in context.Plan.IngestConnections)
            {
                single.Add(await DatabaseSingleAsync(context, connections, cancellationToken));
            }
            batch = await DatabaseBatchAsync(context, cancellationToken);
            await context.Database.ResetAsync(cancellationToken);
        }
        return new Ceilings(receiver.UnitsPerSecond, context.WorkerConnectionsPerEndpoint, receiver.Latency, single, batch, context.Plan.BatchClients);
    }

    /// <summary>The receiver's rate from a plain HttpClient loop; measured again later in the run, and the best one kept.</summary>
    public static async Task<ClosedLoop.Result> ReceiverAsync(BenchContext context, CancellationToken cancellationToken)
    {
        // The Worker's handler settings (Worker/Extensions/Extensions.cs), at the concurrency it uses toward one endpoint.
        using var http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            MaxConnectionsPerServer = context.WorkerConnectionsPerEndpoint,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        { Timeout = Timeout.InfiniteTimeSpan };
        var body = WebhookEnvelope.Build(Guid.CreateVersion7(), "payment.succeeded", "merchant_1", DateTimeOffset.UtcNow, BenchContext.PaymentData(1));
        var json = new MediaTypeHeaderValue("application/json");
        context.Receiver.Reset();
        var result = await ClosedLoop.RunAsync(context.WorkerConnectionsPerEndpoint, context.Plan.CeilingDuration, async (n, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, context.Receiver.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = json;
            request.Headers.TryAddWithoutValidation("webhook-id", "ceiling");
            request.Headers.TryAddWithoutValidation("webhook-timestamp", "1700000000");
            request.Headers.TryAddWithoutValidation("webhook-signature", "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=");
            request.Headers.TryAddWithoutValidation("X-Signature", "sha256=3d5c3b1c1bd0f04b1d0a32c1fc4e6b2c7f0ee4f0b5c9a54d3c1f0e2a1b3c4d5e");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            return response.IsSuccessStatusCode ? 1 : 0;
        }, "ceiling: receiver", cancellationToken);
        context.Receiver.Reset();
        return result;
    }

    private static async Task<IngestLevel> DatabaseSingleAsync(BenchContext context, int connections, CancellationToken cancellationToken)
    {
        var store = context.Database.Ingest;
        var statements = context.Database.Statements;
        await statements.ResetAsync(cancellationToken);
        var cpu = context.CpuSnapshot();
        var result = await ClosedLoop.RunAsync(connections, context.Plan.IngestDuration, async (n, ct) =>
        {
            var stored = await store.IngestAsync([NewEvent(n)], cancellationToken: ct);
            return stored?.Count ?? 0;
        }, "ceiling: database, 1 event", cancellationToken);
        var cores = Hosting.ProcessCpu.CoresUsed(cpu, context.CpuSnapshot(), result.Elapsed);
        StatementStatistics.Print(await statements.TopAsync(6, cancellationToken), result.Units, "event");
        return new IngestLevel(connections, result.UnitsPerSecond, result.Latency, result.Units, result.Failures, result.Units, cores);
    }

    /// <summary>The database's rate for the ingestion statement, 1,000 events each; measured again around the Api's batches, and the best one kept.</summary>
    public static async Task<double> DatabaseBatchAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var store = context.Database.Ingest;
        var cpu = context.CpuSnapshot();
        var result = await ClosedLoop.RunAsync(context.Plan.BatchClients, context.Plan.IngestDuration, async (n, ct) =>
        {
            var events = new NewEvent[IngestScenario.BatchSize];
            for (var i = 0; i < events.Length; i++)
            {
                events[i] = NewEvent(n * IngestScenario.BatchSize + i);
            }
            var stored = await store.IngestAsync(events, cancellationToken: ct);
            return stored?.Count ?? 0;
        }, "ceiling: database, batches", cancellationToken);
        var cores = Hosting.ProcessCpu.CoresUsed(cpu, context.CpuSnapshot(), result.Elapsed);
        Console.WriteLine($"    {result.UnitsPerSecond:N0} events/s; cores {string.Join(", ", cores.Where(c => c.Value > 0).Select(c => $"{c.Key} {c.Value:0.00}"))}");
        return result.UnitsPerSecond;
    }

    private static NewEvent NewEvent(long n) =>
        new(Guid.CreateVersion7(), $"merchant_{n % 50}", "payment.succeeded", BenchContext.PaymentData(n), null, null, Traceparent);

    // The Api keeps the ingestion trace with each event; the ceiling stores one of the same size.
    private const string Traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
}
