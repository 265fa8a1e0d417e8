using WebhookDispatcher.Bench;
using WebhookDispatcher.Bench.Scenarios;
using Xunit.Abstractions;

namespace WebhookDispatcher.Tests.Bench;

/// <summary>
/// Runs every scenario of the bench on a load too small to measure anything, so the bench cannot rot. No timing
/// is asserted here, only that each scenario completes and that what was acknowledged was stored and delivered.
/// </summary>
[Collection(BenchCollection.Name)]
public sealed class BenchSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TinyBenchRunsEveryScenario()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));

        var report = await BenchRunner.RunAsync(BenchPlan.Tiny, "smoke test", timeout.Token);
        output.WriteLine(WebhookDispatcher.Bench.Reporting.BenchReportWriter.Table(report));

        Assert.True(report.Ceilings.ReceiverPerS > 0);
        Assert.All(report.Ingest, level =>
        {
            Assert.True(level.Accepted > 0);
            Assert.Equal(level.Accepted, level.VerifiedStored);
        });
        Assert.True(report.IngestBatch.Accepted > 0);
        Assert.Equal(report.IngestBatch.Accepted, report.IngestBatch.VerifiedStored);
        Assert.Equal(BenchPlan.Tiny.ScaleOutWorkers, report.Drain.Select(d => d.Workers));
        Assert.All(report.Drain, drain => Assert.Equal(drain.Deliveries, drain.Delivered));
        // The drain's database ceiling, history and retention: each did its work, and every scenario has a cost.
        Assert.NotNull(report.DrainDatabaseCeiling);
        Assert.Equal(BenchPlan.Tiny.DrainDeliveries, report.DrainDatabaseCeiling.Delivered);
        Assert.NotNull(report.History);
        Assert.Equal(BenchPlan.Tiny.DrainDeliveries, report.History.Drain.Delivered);
        Assert.True(report.History.DrainRatio > 0 && report.History.ClaimP99Ratio > 0);
        Assert.NotNull(report.Retention);
        Assert.True(report.Retention.Accepted > 0);
        Assert.True(report.Retention.KeptUp);
        Assert.True(report.DrainEngineCpuUsPerDelivery > 0 && report.IngestEngineCpuUsPerEvent > 0 && report.DrainWalBytesPerDelivery > 0);
        Assert.All(report.EndToEnd, run =>
        {
            Assert.True(run.Acknowledged > 0);
            Assert.Equal(run.Acknowledged, run.Arrived);
        });
    }
}
