using WebhookDispatcher.Bench.Scenarios;

namespace WebhookDispatcher.Tests.Bench;

/// <summary>The retention scenario's verdict: sizes that level off are bounded, sizes that keep growing are not.</summary>
public sealed class RetentionThirdsTests
{
    [Fact]
    public void SizesThatLevelOff_AreBounded()
    {
        var samples = Enumerable.Range(1, 120).Select(t => ((double)t, t < 60 ? t * 1_000_000L : 60_000_000L - (t % 7) * 100_000L)).ToList();

        var (middle, last, bounded) = RetentionScenario.Thirds(samples);

        Assert.Equal(60_000_000L, middle);
        Assert.True(last <= middle);
        Assert.True(bounded);
    }

    [Fact]
    public void SizesThatKeepGrowing_AreNot()
    {
        var samples = Enumerable.Range(1, 120).Select(t => ((double)t, t * 1_000_000L)).ToList();

        Assert.False(RetentionScenario.Thirds(samples).Bounded);
    }

    [Fact]
    public void TooFewSamples_AreNotBounded()
    {
        Assert.False(RetentionScenario.Thirds([(1.0, 5L), (2.0, 5L)]).Bounded);
    }
}
