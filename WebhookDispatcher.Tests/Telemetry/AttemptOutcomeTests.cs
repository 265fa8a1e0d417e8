using System.Text.RegularExpressions;
using WebhookDispatcher.Core.Telemetry;

namespace WebhookDispatcher.Tests.Telemetry;

public partial class AttemptOutcomeTests
{
    // "by outcome: success (…), failure (…), …": each value named, then what it means in brackets.
    [GeneratedRegex(@"(?:: |, )(\w+) \(")]
    private static partial Regex NamedValue();

    [Fact]
    public void TheAttemptsDescription_NamesExactlyTheOutcomeValuesRecorded()
    {
        var description = DispatcherTelemetry.Attempts.Description!;

        var named = NamedValue().Matches(description).Select(m => m.Groups[1].Value);

        Assert.Equal(AttemptOutcome.All.Order(), named.Order());
    }

    [Theory]
    [InlineData(true, false, true, AttemptOutcome.Success)]
    [InlineData(false, false, true, AttemptOutcome.Failure)]   // a 500, retried
    [InlineData(false, false, false, AttemptOutcome.Error)]    // a timeout, retried
    [InlineData(false, true, true, AttemptOutcome.Dead)]       // the last attempt's 500, or a 410
    [InlineData(false, true, false, AttemptOutcome.Dead)]      // the last attempt timing out
    public void EachAttempt_HasOneOfTheNamedOutcomes(bool success, bool dead, bool answered, string expected)
    {
        var outcome = AttemptOutcome.Of(success, dead, answered);

        Assert.Equal(expected, outcome);
        Assert.Contains(outcome, AttemptOutcome.All);
    }
}
