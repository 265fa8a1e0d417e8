using System.Net.Http.Json;
using Npgsql;
using WebhookDispatcher.AppHost.Hosting;
using WebhookDispatcher.AppHost.Hosting.Testing;

namespace WebhookDispatcher.Tests.Infrastructure;

/// <summary>
/// The whole system for the engine's end-to-end tests, started once through the AppHost's own app model: real
/// PostgreSQL and Redis (throwaway, free ports, temporary data), the Api, two Workers (worker-0, worker-1) and the
/// MockReceiver accepting everything (tests turn its chaos on through PUT /config). Retries are fast so a test
/// sees a delivery go from first failure to dead in seconds.
/// </summary>
public class EngineAppFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    public DistributedApplication App { get; private set; } = null!;
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
    protected virtual void Configure(DistributedApplicationBuilder builder)
    {
    }

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.WebhookDispatcher_AppHost>(
            ["--workers", "2", "--receiver-failure-rate", "0", "--receiver-hang-rate", "0"]);
        var worker = builder.CreateResourceBuilder<ProjectResource>("worker");
        foreach (var (name, value) in FastRetries)
        {
            worker.WithEnvironment(name, value);
        }
        Configure(builder);
        App = builder.Build();
        try
        {
            await App.StartAsync();
            await App.WaitForAllResourcesHealthyAsync().WaitAsync(StartTimeout);
        }
        catch
        {
            await App.DisposeAsync();
            throw;
        }
        Api = App.CreateHttpClient("api");
        Receiver = App.CreateHttpClient("mockreceiver");
        WebhooksConnectionString = (await App.GetConnectionStringAsync("webhooks"))!;
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        Receiver?.Dispose();
        await App.DisposeAsync();
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
