using WebhookDispatcher.Bench.Soak;
using Xunit.Abstractions;

namespace WebhookDispatcher.Tests.Bench;

/// <summary>
/// The quick chaos soak (RELIABILITY.md): 5,000 events through Worker and Api SIGKILLs, a Redis outage, a
/// PostgreSQL restart and a receiver refusing connections, against the chaos MockReceiver. One acknowledged
/// event lost fails the build. Takes about three minutes.
/// </summary>
[Collection(BenchCollection.Name)]
public sealed class ChaosSoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task QuickSoakLosesNoAcknowledgedEvent()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));

        var report = await SoakRunner.RunAsync(SoakPlan.Quick, seed: 1, "soak test", timeout.Token);
        output.WriteLine(SoakReportWriter.Table(report));

        Assert.True(report.Acknowledged >= SoakPlan.Quick.Events * 0.99, $"Only {report.Acknowledged} of {SoakPlan.Quick.Events} events were acknowledged.");
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.StuckInFlight);
        Assert.Equal(0, report.AttemptsMissing);
        Assert.Equal(report.Acknowledged, report.Delivered + report.Dead);
        Assert.Equal(5, report.Faults.Values.Sum());
    }
}
