using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookDispatcher.AppHost.Hosting;
using WebhookDispatcher.AppHost.Hosting.Testing;

namespace WebhookDispatcher.Tests.AppHost;

/// <summary>The AppHost's app model running for real: start order, delivery end to end, and what happens when a process dies.</summary>
[Collection(AppHostCollection.Name)]
public sealed class AppHostTests(RunningAppFixture fixture)
{
    private DistributedApplication App => fixture.App;

    [Fact]
    public async Task EveryResourceIsHealthy_AndTheApiAnswersAliveAndHealth()
    {
        Assert.Equal(
            ["postgres", "webhooks", "redis", "mockreceiver", "api", "worker-0", "worker-1"],
            App.GetResources().Select(r => r.Name));

        using var client = App.CreateHttpClient("api");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public void WaitFor_HoldsTheApiAndWorkersInWaitingUntilPostgresTheDatabaseAndRedisAreHealthy()
    {
        var dependenciesHealthy = new[] { "postgres", "webhooks", "redis" }
            .Select(name => App.GetResourceEvents(name).First(e => e.Health == ResourceHealth.Healthy).Timestamp)
            .Max();

        foreach (var name in new[] { "api", "worker-0", "worker-1" })
        {
            var events = App.GetResourceEvents(name);
            Assert.Equal(ResourceState.Waiting, events[0].State);
            var starting = events.First(e => e.State == ResourceState.Starting).Timestamp;
            Assert.True(starting >= dependenciesHealthy, $"{name} was Starting at {starting:O}, before its dependencies were healthy at {dependenciesHealthy:O}.");
        }

        // The database waits for its server, and the MockReceiver, which waits for nothing, is never held.
        Assert.Equal(ResourceState.Waiting, App.GetResourceEvents("webhooks")[0].State);
        Assert.DoesNotContain(App.GetResourceEvents("mockreceiver"), e => e.State == ResourceState.Waiting);
    }

    [Fact]
    public async Task AnEventPostedToTheApi_IsDeliveredToTheMockReceiver()
    {
        using var api = App.CreateHttpClient("api");
        using var receiver = App.CreateHttpClient("mockreceiver");

        var response = await api.PostAsJsonAsync("/events", new
        {
            merchantId = "merchant_123",
            amount = 4999,
            currency = "INR",
            transactionId = "txn_" + Guid.NewGuid().ToString("N"),
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        await TestApps.EventuallyAsync(
            async () => (await receiver.GetFromJsonAsync<JsonElement>($"/received/{id}")).GetProperty("accepted").GetBoolean(),
            $"the MockReceiver has accepted event {id}");
        var stats = await receiver.GetFromJsonAsync<JsonElement>("/stats");
        Assert.True(stats.GetProperty("accepted").GetInt64() >= 1);
        Assert.Equal(0, stats.GetProperty("badSignatures").GetInt64());

        await TestApps.EventuallyAsync(
            async () => (await api.GetFromJsonAsync<JsonElement>($"/events/{id}")).GetProperty("status").GetString() == "delivered",
            $"the Api reports event {id} delivered");
    }

    [Fact]
    public async Task AKilledWorkerReplica_IsRestartedAndCountsTheRestart()
    {
        var before = App.GetResource("worker-1");
        var otherReplica = App.GetResource("worker-0");

        var killedAt = DateTimeOffset.UtcNow;
        await App.KillResourceAsync("worker-1");

        // 128 + SIGKILL; read from the history, as the restart may already be under way.
        Assert.Contains(App.GetResourceEvents("worker-1"), e => e.Timestamp >= killedAt && e.State == ResourceState.Exited && e.ExitCode == 137);

        await App.WaitForResourceHealthyAsync("worker-1").WaitAsync(TestApps.DefaultTimeout);
        var after = App.GetResource("worker-1");
        Assert.Equal(before.RestartCount + 1, after.RestartCount);
        Assert.NotEqual(before.ProcessId, after.ProcessId);
        Assert.Contains(App.GetConsoleLines("worker-1"), l => l.Text.Contains("restarting in", StringComparison.Ordinal));
        Assert.False(ProcessTable.IsRunning(before.ProcessId!.Value));

        // Replicas are separate resources: the other one was never touched.
        Assert.Equal(otherReplica.ProcessId, App.GetResource("worker-0").ProcessId);
    }

    [Fact]
    public async Task AKillWithoutRestart_LeavesTheResourceExited_UntilItIsStartedAgain()
    {
        var before = App.GetResource("mockreceiver");

        await App.KillResourceAsync("mockreceiver", restart: false);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(ResourceState.Exited, App.GetResource("mockreceiver").State);

        await App.StartResourceAsync("mockreceiver");
        await App.WaitForResourceHealthyAsync("mockreceiver").WaitAsync(TestApps.DefaultTimeout);
        Assert.Equal(before.RestartCount, App.GetResource("mockreceiver").RestartCount);
    }

    [Fact]
    public async Task AStoppedReplica_ExitsGracefully_AndStartsAgain()
    {
        await App.StopResourceAsync("worker-0");
        var stopped = App.GetResource("worker-0");
        Assert.Equal(ResourceState.Exited, stopped.State);
        Assert.Equal(0, stopped.ExitCode);
        Assert.Null(stopped.ProcessId);

        await App.StartResourceAsync("worker-0");
        await App.WaitForResourceHealthyAsync("worker-0").WaitAsync(TestApps.DefaultTimeout);
        Assert.Equal(ResourceState.Running, App.GetResource("worker-0").State);
    }

    [Fact]
    public void TheServices_StartWithTheEnvironmentAnAspireAppHostGives()
    {
        var api = ProcessTable.Environment(App.GetResource("api").ProcessId!.Value);
        var worker = ProcessTable.Environment(App.GetResource("worker-1").ProcessId!.Value);
        var receiver = ProcessTable.Environment(App.GetResource("mockreceiver").ProcessId!.Value);
        var receiverUrl = App.GetEndpoint("mockreceiver").ToString().TrimEnd('/');

        Assert.Equal("Development", api["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal(App.GetEndpoint("api").ToString().TrimEnd('/'), api["ASPNETCORE_URLS"]);
        Assert.Equal(App.GetConnectionString("webhooks"), api["ConnectionStrings__webhooks"]);
        Assert.Equal(App.GetConnectionString("redis"), api["ConnectionStrings__redis"]);
        Assert.Equal("true", api["Dispatcher__AllowPrivateTargets"]);

        Assert.Equal(App.GetEndpoint("worker-1").ToString().TrimEnd('/'), worker["ASPNETCORE_URLS"]);
        Assert.Equal(App.GetConnectionString("webhooks"), worker["ConnectionStrings__webhooks"]);
        Assert.Equal(receiverUrl, worker["services__mockreceiver__http__0"]);
        Assert.Equal(receiverUrl + "/webhook", worker["Dispatcher__DefaultTargetUrl"]);
        Assert.Equal("true", worker["Dispatcher__AllowPrivateTargets"]);

        // One generated whsec_ secret of 32 random bytes: the Worker signs with it, the MockReceiver checks with it.
        var secret = worker["Dispatcher__SigningSecret"];
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        Assert.Equal(secret, receiver["Receiver__SigningSecret"]);
        Assert.Equal("0", receiver["Receiver__FailureRate"]);

        // The test harness runs no dashboard, so nothing is told to export telemetry.
        Assert.DoesNotContain(api.Keys, key => key.StartsWith("OTEL_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheHarness_HandsOutConnectionStringsAndEndpoints_TheAspireWay()
    {
        var webhooks = await App.GetConnectionStringAsync("webhooks");
        Assert.Matches("^Host=localhost;Port=[0-9]+;Username=postgres;Password=[A-Za-z0-9]+;Database=webhooks$", webhooks);
        Assert.Matches("^localhost:[0-9]+,password=[A-Za-z0-9]+$", await App.GetConnectionStringAsync("redis"));

        // Test ports are free-chosen, never the fixed 3000 and 4000, so a running AppHost doesn't get in the way.
        Assert.NotEqual(4000, App.GetEndpoint("mockreceiver").Port);
        Assert.NotEqual(3000, App.GetEndpoint("api").Port);
        Assert.NotEqual(App.GetEndpoint("worker-0"), App.GetEndpoint("worker-1"));
    }
}
