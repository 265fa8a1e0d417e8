using System.Text.Json;
using WebhookDispatcher.Api.Ingestion;
using WebhookDispatcher.Core.Targets;

namespace WebhookDispatcher.Tests.Ingestion;

/// <summary>The ad-hoc shape's rule: off unless allowed, and allowed it still passes the SSRF guard.</summary>
public class AdHocTargetRuleTests
{
    private static async Task<Dictionary<string, string[]>> Parse(EventRequestParser parser, string json)
    {
        using var document = JsonDocument.Parse(json);
        var errors = new Dictionary<string, string[]>();
        await parser.ParseAsync(document.RootElement, null, "", errors, CancellationToken.None);
        return errors;
    }

    [Fact]
    public async Task AdHocTargetsOff_RefusesEvenAPublicTarget_NamingTheRule()
    {
        var errors = await Parse(new EventRequestParser(new TargetUrlPolicy(allowPrivateTargets: false), allowAdHocTargets: false),
            """{"target_url":"https://93.184.215.14/hook","payload":{"a":1}}""");

        Assert.Equal([EventRequestParser.AdHocTargetsOff], errors["target_url"]);
    }

    [Theory]
    [InlineData("http://127.0.0.1:4000/webhook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.1.2.3/")]
    public async Task AdHocTargetsAllowed_StillRefusePrivateTargets(string target)
    {
        var errors = await Parse(new EventRequestParser(new TargetUrlPolicy(allowPrivateTargets: false), allowAdHocTargets: true),
            $$$"""{"target_url":"{{{target}}}","payload":{"a":1}}""");

        Assert.Contains("which webhooks may not reach", Assert.Single(errors["target_url"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TargetCheckPastTheRequestsDeadline_IsNamedAsUnchecked()
    {
        using var deadline = new CancellationTokenSource();
        await deadline.CancelAsync();
        using var document = JsonDocument.Parse("""{"target_url":"https://hooks.example.com/a","payload":{"a":1}}""");
        var errors = new Dictionary<string, string[]>();

        var request = await new EventRequestParser(new TargetUrlPolicy(allowPrivateTargets: false))
            .ParseAsync(document.RootElement, null, "events[7]", errors, deadline.Token);

        Assert.Null(request);
        Assert.Contains("deadline", Assert.Single(errors["events[7].target_url"]), StringComparison.Ordinal);
    }
}
