using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using WebhookDispatcher.Api.Ingestion;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Ingestion;

/// <summary>
/// What fails open in Development must fail closed everywhere else: the Api and console run as Staging in the
/// real system (AppHost under Aspire.Hosting.Testing, real PostgreSQL and Redis).
/// </summary>
[Collection(StagingAppCollection.Name)]
public sealed class StagingTests(StagingAppFixture app)
{
    private HttpRequestMessage Authorized(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", StagingAppFixture.ApiKey);
        return request;
    }

    [Fact]
    public async Task AdHocTargetOutsideDevelopment_IsRefusedNamingTheRule_AndStoresNothing()
    {
        var before = await app.QueryScalarAsync<long>("SELECT count(*) FROM events");
        using var single = await app.Api.SendAsync(Authorized(HttpMethod.Post, "/events",
            new { target_url = "https://hooks.example.com/a", payload = new { a = 1 } }));
        using var batch = await app.Api.SendAsync(Authorized(HttpMethod.Post, "/events/batch",
            new object[] { new { merchantId = "m_1", type = "t", data = new { } }, new { target_url = "https://hooks.example.com/a", payload = new { a = 1 } } }));

        foreach (var (response, field) in new[] { (single, "target_url"), (batch, "events[1].target_url") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var errors = problem.RootElement.GetProperty("errors");
            Assert.Equal(EventRequestParser.AdHocTargetsOff, errors.GetProperty(field)[0].GetString());
        }
        Assert.Equal(before, await app.QueryScalarAsync<long>("SELECT count(*) FROM events"));
    }

    [Fact]
    public async Task StagingApi_RequiresAKey()
    {
        using var response = await app.Api.PostAsJsonAsync("/events", new { merchantId = "m_1", type = "t", data = new { } });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ConsoleResponses_ForbidFramingSniffingAndReferrers()
    {
        using var console = app.App.CreateHttpClient("console");

        using var response = await console.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("frame-ancestors 'none'", string.Join(";", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task ConsoleAsAnotherHost_IsRefused()
    {
        using var console = app.App.CreateHttpClient("console");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "attacker.example";

        using var response = await console.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task HealthWithPostgresStopped_SaysWhichCheckFailed_InFixedWordsWithoutTheException()
    {
        var postgres = app.Resources.Single("postgres");
        await app.Resources.StopAsync(postgres);
        try
        {
            await app.Resources.WaitForStoppedAsync(postgres);
            string body = "";
            await EngineAppFixture.EventuallyAsync(async () =>
            {
                using var response = await app.Api.GetAsync("/health");
                body = await response.Content.ReadAsStringAsync();
                return response.StatusCode == HttpStatusCode.ServiceUnavailable;
            }, "the Api's /health reports PostgreSQL down", TimeSpan.FromSeconds(60));

            using var health = JsonDocument.Parse(body);
            var checks = health.RootElement.GetProperty("checks").EnumerateObject().ToDictionary(c => c.Name, c => c.Value);
            Assert.Contains(checks.Values, c => c.GetProperty("status").GetString() == "Unhealthy");
            string[] fixedWords = ["Answering.", "Degraded: the service carries on, and its logs say why.", "Not answering: the service's logs say why."];
            Assert.All(checks.Values, c => Assert.Contains(c.GetProperty("description").GetString(), fixedWords));
            foreach (var leak in new[] { "Exception", "127.0.0.1", "localhost", "refused", "Failed to connect", "   at " })
            {
                Assert.DoesNotContain(leak, body, StringComparison.Ordinal);
            }
        }
        finally
        {
            await app.Resources.StartAsync(postgres);
            await app.Resources.WaitForHealthyAsync(postgres);
        }
    }
}
