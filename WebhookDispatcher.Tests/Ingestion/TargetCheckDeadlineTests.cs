using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Ingestion;

/// <summary>
/// A batch's ad-hoc targets are checked against the SSRF guard (private targets refused, as in production) a few at
/// a time under one deadline for the request, so a batch of unresolvable hosts is answered, naming every one.
/// </summary>
[Collection(SecuredAppCollection.Name)]
public sealed class TargetCheckDeadlineTests(SecuredAppFixture app)
{
    [Fact]
    public async Task BatchOfUnresolvableAdHocHosts_IsAnswered400NamingEachOne_AndStoresNothing()
    {
        var before = await app.QueryScalarAsync<long>("SELECT count(*) FROM events");
        const int Count = 300;
        var body = "[" + string.Join(",", Enumerable.Range(0, Count).Select(i =>
            $$$"""{"target_url":"https://nx-{{{i}}}-{{{Guid.NewGuid():N}}}.invalid/hook","payload":{"i":{{{i}}}}}""")) + "]";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/events/batch") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SecuredAppFixture.ApiKey);

        using var response = await app.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var named = problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"events[{i}].target_url").ToHashSet(), named);
        Assert.Equal(before, await app.QueryScalarAsync<long>("SELECT count(*) FROM events"));
    }
}
