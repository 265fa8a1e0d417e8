using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace WebhookDispatcher.AppHost;

/// <summary>The knobs of the app model: what a test, a benchmark or the command line may change.</summary>
public sealed record AppModelOptions
{
    /// <summary>How many Workers run (<c>--workers 3</c>).</summary>
    public int WorkerReplicas { get; init; } = 1;

    /// <summary>The MockReceiver's share of 500 answers; null keeps its own default (0.4).</summary>
    public double? ReceiverFailureRate { get; init; }

    /// <summary>The MockReceiver's share of requests it hangs on; null keeps its own default (0.3).</summary>
    public double? ReceiverHangRate { get; init; }

    public static AppModelOptions FromConfiguration(IConfiguration configuration) => new()
    {
        WorkerReplicas = configuration.GetValue("workers", 1),
        ReceiverFailureRate = configuration.GetValue<double?>("receiver-failure-rate"),
        ReceiverHangRate = configuration.GetValue<double?>("receiver-hang-rate"),
    };

    internal static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
