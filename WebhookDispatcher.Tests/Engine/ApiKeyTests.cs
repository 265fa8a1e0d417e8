using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Engine;

/// <summary>With Api:Keys set, every route but the health probes needs a Bearer key, and a wrong one is refused.</summary>
[Collection(SecuredAppCollection.Name)]
public sealed class ApiKeyTests(SecuredAppFixture app)
{
    [Theory]
    [InlineData("/events")]
    [InlineData("/status/all")]
    [InlineData("/deliveries?status=dead")]
    [InlineData("/merchants/m/endpoints")]
    [InlineData("/openapi/v1.json")]
    public async Task WithoutAKey_EveryRouteIsRefused_WithProblemJson(string path)
    {
        using var response = await app.Api.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData("Bearer wrong-key")]
    [InlineData("Bearer fuzz-key-012345678")]   // a prefix of the real key
    [InlineData("Bearer fuzz-key-01234567890")] // the real key and more
    [InlineData("Basic ZnV6ei1rZXk=")]
    public async Task AWrongKey_IsRefused_AndNothingIsStored(string authorization)
    {
        var before = await app.QueryScalarAsync<long>("SELECT count(*) FROM events");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/events")
        {
            Content = JsonContent.Create(new { merchantId = "m_key", type = "t", data = new { } }),
        };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        using var response = await app.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, await app.QueryScalarAsync<long>("SELECT count(*) FROM events"));
    }

    [Theory]
    [InlineData(SecuredAppFixture.ApiKey)]
    [InlineData("second-key")]
    public async Task EachConfiguredKey_IsAccepted(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/events")
        {
            Content = JsonContent.Create(new { merchantId = "m_key", type = "t", data = new { } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);

        using var response = await app.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task HealthProbes_NeedNoKey(string path)
    {
        using var response = await app.Api.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
