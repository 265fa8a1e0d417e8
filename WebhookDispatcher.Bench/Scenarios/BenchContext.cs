using WebhookDispatcher.Bench.Hosting;
using WebhookDispatcher.Bench.Load;

namespace WebhookDispatcher.Bench.Scenarios;

/// <summary>What every scenario works with: the running system, the bench's receiver, the database, the plan.</summary>
public sealed record BenchContext(ISystemUnderTest System, ArrivalReceiver Receiver, BenchDatabase Database, BenchPlan Plan, int WorkerConnectionsPerEndpoint)
{
    public ApiClient CreateApiClient(int connections) => new(System.ApiUrl, System.ApiKey, connections);

    public Dictionary<string, Dictionary<int, double>> CpuSnapshot() => ProcessCpu.Snapshot(System.Processes());

    /// <summary>The payload the seed's payment shape becomes once the Api has parsed it.</summary>
    public static string PaymentData(long n) =>
        $$"""{"amount":{{1000 + n % 9000}},"currency":"INR","transactionId":"txn_{{n}}"}""";
}
