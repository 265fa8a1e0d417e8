using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Npgsql;
using WebhookDispatcher.Bench.Hosting;

namespace WebhookDispatcher.Tests.Infrastructure;

/// <summary>
/// The whole system for the engine's end-to-end tests, started once through the AppHost's own app model under
/// Aspire.Hosting.Testing: real PostgreSQL and Redis (local binaries, random ports, temporary data), the Api, two
/// Worker replicas and the MockReceiver accepting everything (tests turn its chaos on through PUT /config). Retries are fast so a test
/// sees a delivery go from first failure to dead in seconds.
/// </summary>
public class EngineAppFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    public AppHostRun Run { get; private set; } = null!;

    public DistributedApplication App => Run.App;

    /// <summary>The instances of each resource, and stop, start and kill.</summary>
    public ResourceInstances Resources => Run.Resources;

    /// <summary>The MockReceiver's base address, as the Workers reach it.</summary>
    public Uri ReceiverUrl { get; private set; } = null!;
    public HttpClient Api { get; private set; } = null!;
    public HttpClient Receiver { get; private set; } = null!;
    public string WebhooksConnectionString { get; private set; } = null!;

    /// <summary>Short enough for tests, and still a lease over twice the attempt timeout, as the Worker insists.</summary>
    public static readonly IReadOnlyDictionary<string, string> FastRetries = new Dictionary<string, string>
    {
        ["Dispatcher__BaseDelay"] = "00:00:00.100",
        ["Dispatcher__MaxDelay"] = "00:00:01",
        ["Dispatcher__AttemptTimeout"] = "00:00:01",
        ["Dispatcher__LeaseDuration"] = "00:00:04",
        ["Dispatcher__PollInterval"] = "00:00:01",
        ["Dispatcher__ShutdownGracePeriod"] = "00:00:02",
        // Small claims, so two Workers interleave on the same backlog.
        ["Dispatcher__BatchSize"] = "50",
    };

    /// <summary>Adds to the AppHost's model before it is built: a fixture's own environment for the Api, Worker or MockReceiver.</summary>
    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    public async Task InitializeAsync()
    {
        Run = await AppHostRun.CreateAsync(["--workers", "2", "--receiver-failure-rate", "0", "--receiver-hang-rate", "0"]);
        try
        {
            var worker = Run.Builder.CreateResourceBuilder<ProjectResource>("worker");
            foreach (var (name, value) in FastRetries)
            {
                worker.WithEnvironment(name, value);
            }
            // These tests drive retries, chaos and dead letters; the shared circuit would defer them. The merchant
            // protection tests have a fixture of their own with it on.
            worker.WithEnvironment("Dispatcher__CircuitBreakAfter", "100000");
            Configure(Run.Builder);
            await Run.StartAsync();
        }
        catch
        {
            await Run.DisposeAsync();
            throw;
        }
        Api = App.CreateHttpClient("api");
        Receiver = App.CreateHttpClient("mockreceiver");
        ReceiverUrl = App.GetEndpoint("mockreceiver", "http");
        WebhooksConnectionString = (await App.GetConnectionStringAsync("webhooks"))!;
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        Receiver?.Dispose();
        if (Run is not null)
        {
            await Run.DisposeAsync();
        }
    }

    /// <summary>Sets the MockReceiver's chaos: 0 and 0 accept everything.</summary>
    public async Task SetReceiverChaosAsync(double failureRate, double hangRate, double hangSeconds = 0)
    {
        using var response = await Receiver.PutAsJsonAsync("/config", new { failureRate, hangRate, hangSeconds });
        response.EnsureSuccessStatusCode();
    }

    public async Task<T> QueryScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(WebhooksConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Polls until <paramref name="condition"/> holds, or fails the test after <paramref name="timeout"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout} waiting until {what}.");
            }
            await Task.Delay(200);
        }
    }
}

/// <summary>The engine tests share one running system and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class EngineAppCollection : ICollectionFixture<EngineAppFixture>
{
    public const string Name = "Engine";
}
