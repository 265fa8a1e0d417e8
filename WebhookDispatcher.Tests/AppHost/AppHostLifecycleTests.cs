using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookDispatcher.AppHost.Hosting.Testing;

namespace WebhookDispatcher.Tests.AppHost;

/// <summary>Whole runs of the AppHost, start to stop: nothing outlives a stop, and the data outlives the AppHost.</summary>
[Collection(AppHostCollection.Name)]
public sealed class AppHostLifecycleTests
{
    [Fact]
    public async Task Stopping_LeavesNoChildProcess_AndNoPostgresLock()
    {
        await using var app = await TestApps.CreateAsync();
        await TestApps.StartAndWaitUntilHealthyAsync(app);
        var processes = ProcessTable.ProcessesOf(app);
        // postgres (with its own processes), redis, mockreceiver, api, worker and the watchdog.
        Assert.True(processes.Count >= 6, $"Expected the app's processes, found {processes.Count}.");

        await app.StopAsync();

        Assert.DoesNotContain(processes, ProcessTable.IsRunning);
        Assert.False(File.Exists(Path.Combine(app.Data.ForResource("postgres"), "postmaster.pid")));
        Assert.Empty(File.ReadAllText(app.Data.ChildrenFile));
        Assert.All(app.GetResources(), r => Assert.Null(r.ProcessId));
    }

    [Fact]
    public async Task EventsPostedInOneRun_AreThereInTheNextRun_OnTheSameDataDirectory()
    {
        var dataDirectory = DistributedApplicationTestingBuilder.CreateTemporaryDirectoryPath();
        try
        {
            string? id;
            // A directory named with --data-dir is the caller's: the app leaves it in place.
            await using (var first = await TestApps.CreateAsync([.. TestApps.AcceptingReceiver, "--data-dir", dataDirectory]))
            {
                await TestApps.StartAndWaitUntilHealthyAsync(first);
                using var api = first.CreateHttpClient("api");
                var response = await api.PostAsJsonAsync("/events", new { merchantId = "merchant_123", amount = 100, currency = "INR", transactionId = "txn_restart" });
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
            }

            await using (var second = await TestApps.CreateAsync([.. TestApps.AcceptingReceiver, "--data-dir", dataDirectory]))
            {
                await TestApps.StartAndWaitUntilHealthyAsync(second);
                using var api = second.CreateHttpClient("api");
                var response = await api.GetAsync($"/events/{id}");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(id, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
            }
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }
}
