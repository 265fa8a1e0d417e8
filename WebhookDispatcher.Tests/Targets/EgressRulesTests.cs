using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Targets;

/// <summary>
/// The SSRF guard from outside, as a producer meets it on an Api outside Development: an endpoint at any refused
/// range, over http or on another port, is refused with a 400 naming url; an ad-hoc target likewise, and nothing is
/// stored; and a Worker with HTTPS_PROXY set still sends to the target, not through the proxy.
/// </summary>
[Collection(EgressRulesCollection.Name)]
public sealed class EgressRulesTests(EgressRulesAppFixture app)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string> OnePerRange() => RefusedAddressExamples.Cases();

    [Theory]
    [MemberData(nameof(OnePerRange))]
    public async Task RegisteringAnEndpointAtAnAddressOfEachRefusedRange_IsRefused_NamingUrl(string address, string refusedBy)
    {
        var url = $"https://{RefusedAddressExamples.Host(address)}/hook";

        var (status, errors) = await RegisterAsync("m_ssrf", url);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(refusedBy, errors["url"]);
    }

    [Theory]
    [InlineData("http://8.8.8.8/hook", "Dispatcher:RequireHttps")]
    [InlineData("http://example.com/hook", "Dispatcher:RequireHttps")]
    [InlineData("https://8.8.8.8:8080/hook", "Dispatcher:AllowedPorts")]
    [InlineData("https://8.8.8.8:25/hook", "Dispatcher:AllowedPorts")]
    public async Task OutsideDevelopment_AnEndpointOverHttpOrOnAnotherPort_IsRefused_NamingTheRule(string url, string rule)
    {
        var (status, errors) = await RegisterAsync("m_ssrf", url);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(rule, errors["url"]);
    }

    [Theory]
    [InlineData("http://8.8.8.8/hook", "Dispatcher:RequireHttps")]
    [InlineData("https://8.8.8.8:6379/hook", "Dispatcher:AllowedPorts")]
    [InlineData("https://169.254.169.254/latest/meta-data", "169.254.169.254/32")]
    [InlineData("https://[64:ff9b::a9fe:a9fe]/latest/meta-data", "169.254.169.254/32")]
    public async Task OutsideDevelopment_AnAdHocTargetBreakingARule_IsRefused_AndNothingIsStored(string url, string rule)
    {
        var before = await app.QueryScalarAsync<long>("SELECT count(*) FROM events");

        using var response = await SendAsync(HttpMethod.Post, "/events", new { target_url = url, payload = new { probe = true } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(rule, ErrorsOf(await response.Content.ReadAsStringAsync())["target_url"]);
        Assert.Equal(before, await app.QueryScalarAsync<long>("SELECT count(*) FROM events"));
    }

    [Fact]
    public async Task WithTheSystemProxySet_AWebhookGoesToItsTarget_NotThroughTheProxy()
    {
        // A merchant with no endpoint of its own is delivered to the default target, the MockReceiver.
        using var response = await SendAsync(HttpMethod.Post, "/events", new { merchantId = "m_proxy", type = "payment.succeeded", data = new { amount = 1 } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

        await EngineAppFixture.EventuallyAsync(async () => await StatusOfAsync(id) == "delivered", $"event {id} is delivered", Patience);

        Assert.False(app.SystemProxy.Pending(), "no Worker connected to the HTTPS_PROXY listener");
    }

    private async Task<(HttpStatusCode Status, Dictionary<string, string> Errors)> RegisterAsync(string merchantId, string url)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/merchants/{merchantId}/endpoints", new { url });
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, ErrorsOf(await response.Content.ReadAsStringAsync()));
    }

    private static Dictionary<string, string> ErrorsOf(string problemJson)
    {
        using var problem = JsonDocument.Parse(problemJson);
        return problem.RootElement.GetProperty("errors").EnumerateObject()
            .ToDictionary(e => e.Name, e => string.Join(" ", e.Value.EnumerateArray().Select(m => m.GetString())));
    }

    private async Task<string?> StatusOfAsync(Guid id)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/status/{id}");
        using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return status.RootElement.GetProperty("status").GetString();
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", EgressRulesAppFixture.ApiKey);
        return app.Api.SendAsync(request);
    }
}
