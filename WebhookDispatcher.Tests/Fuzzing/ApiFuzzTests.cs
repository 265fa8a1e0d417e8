using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;
using WebhookDispatcher.Tests.Infrastructure;
using Xunit.Abstractions;

namespace WebhookDispatcher.Tests.Fuzzing;

/// <summary>
/// Thousands of generated bad requests against a real Api (with API keys on, real PostgreSQL and Redis): every
/// answer is a 4xx problem+json, never a 5xx; an odd-but-valid event may be accepted, and then what is stored is
/// exactly what was sent; nothing else is stored; and every process stays healthy.
/// </summary>
[Collection(SecuredAppCollection.Name)]
public sealed class ApiFuzzTests(SecuredAppFixture app, ITestOutputHelper output)
{
    private const int Cases = 10_000;
    private const int Seed = 20261122;

    [Fact]
    public async Task GeneratedBadRequests_AreAnswered4xxProblemJson_AndStoreNothingPartial()
    {
        var before = await CountEventsAsync();
        var processesBefore = new[] { "api", "worker", "mockreceiver", "postgres", "redis" }
            .SelectMany(app.Resources.Of)
            .Select(instance => (Instance: instance, Pid: app.Resources.ProcessIdOf(instance)))
            .ToList();
        var byKind = new Dictionary<string, (int Count, int Accepted)>();
        var accepted = new List<(Guid Id, byte[] Body)>();
        var failures = new List<string>();

        foreach (var fuzz in new BadRequestGenerator(Seed).Generate(Cases))
        {
            using var request = new HttpRequestMessage(fuzz.Method, fuzz.Path);
            if (fuzz.Body is not null)
            {
                request.Content = new ByteArrayContent(fuzz.Body);
                request.Content.Headers.ContentType = fuzz.ContentType is null ? null : MediaTypeHeaderValue.Parse(fuzz.ContentType);
            }
            if (fuzz.Authenticated)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SecuredAppFixture.ApiKey);
            }
            foreach (var (name, value) in fuzz.Headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await app.Api.SendAsync(request);
            var status = (int)response.StatusCode;
            var (count, acceptedCount) = byKind.GetValueOrDefault(fuzz.Kind);
            if (status == (int)HttpStatusCode.Accepted && fuzz.MayBeAccepted)
            {
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                accepted.Add((json.RootElement.GetProperty("id").GetGuid(), fuzz.Body!));
                byKind[fuzz.Kind] = (count + 1, acceptedCount + 1);
                continue;
            }
            byKind[fuzz.Kind] = (count + 1, acceptedCount);
            if (status is < 400 or >= 500 || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{fuzz} → {status} {response.Content.Headers.ContentType}: {Truncate(await response.Content.ReadAsStringAsync())}");
            }
        }

        foreach (var (kind, (count, acceptedCount)) in byKind.OrderBy(k => k.Key))
        {
            output.WriteLine($"{kind,-20} {count,5} requests, {acceptedCount,4} accepted as valid");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} answers were not 4xx problem+json:\n{string.Join("\n", failures.Take(20))}");

        // Nothing partial: exactly the accepted events were stored, each exactly as sent.
        Assert.Equal(before + accepted.Count, await CountEventsAsync());
        foreach (var (id, body) in accepted)
        {
            await AssertStoredAsSentAsync(id, body);
        }

        // And everything is still up: no process crashed or restarted under the barrage.
        Assert.Equal(HttpStatusCode.OK, (await app.Api.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Api.GetAsync("/alive")).StatusCode);
        Assert.All(processesBefore, p =>
        {
            Assert.True(app.Resources.IsRunning(p.Instance), $"{p.Instance} is still running");
            Assert.Equal(p.Pid, app.Resources.ProcessIdOf(p.Instance));
        });
    }

    private async Task<long> CountEventsAsync()
    {
        await using var connection = new NpgsqlConnection(app.WebhooksConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task AssertStoredAsSentAsync(Guid id, byte[] body)
    {
        using var sent = JsonDocument.Parse(body);
        await using var connection = new NpgsqlConnection(app.WebhooksConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT payload::text FROM events WHERE id = $1", connection) { Parameters = { new() { Value = id } } };
        var stored = (string)(await command.ExecuteScalarAsync())!;
        Assert.Equal(sent.RootElement.GetProperty("data").GetRawText(), stored);
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
