using WebhookDispatcher.Bench.Hosting;
using WebhookDispatcher.Bench.Load;

namespace WebhookDispatcher.Bench.Scenarios;

/// <summary>What every scenario works with: the running system, the bench's receiver, the database, the plan.</summary>
public sealed record BenchContext(ISystemUnderTest System, ArrivalReceiver Receiver, BenchDatabase Database, BenchPlan Plan, int WorkerConnectionsPerEndpoint)
{
    public ApiClient CreateApiClient(int connections) => new(System.ApiUrl, System.ApiKey, connections);

    public Dictionary<string, Dictionary<int, double>> CpuSnapshot() => ProcessCpu.Snapshot(System.Processes());

    /// <summary>What the Api stores for a payment event in the seed's shape: the body as sent (see EventRequestParser).</summary>
    public static string PaymentData(long n) => ApiClient.PaymentEvent(n);
}
