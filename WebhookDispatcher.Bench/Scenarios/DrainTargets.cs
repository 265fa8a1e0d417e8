using WebhookDispatcher.Bench.Load;

namespace WebhookDispatcher.Bench.Scenarios;

/// <summary>
/// Where a drain's deliveries go: the default target (no endpoint, the platform's secret from configuration), or,
/// with <c>--drain-endpoints</c>, one registered endpoint per merchant the seed uses. Registered through the Api, each
/// endpoint's secret is sealed at rest, so the claim carries sealed secrets and the Worker opens one for every send.
/// </summary>
public static class DrainTargets
{
    /// <summary>The merchants <see cref="BenchDatabase.SeedAsync"/> spreads its events over.</summary>
    public const int SeedMerchants = 50;

    public static async Task PrepareAsync(BenchContext context, CancellationToken cancellationToken)
    {
        await context.Database.DeleteEndpointsAsync(cancellationToken);
        if (!context.Plan.DrainToEndpoints)
        {
            return;
        }
        using var api = new ApiClient(context.System.ApiUrl, context.System.ApiKey, connections: 4);
        for (var m = 0; m < SeedMerchants; m++)
        {
            await api.RegisterEndpointAsync($"merchant_{m}", context.Receiver.Url, cancellationToken);
        }
    }
}
