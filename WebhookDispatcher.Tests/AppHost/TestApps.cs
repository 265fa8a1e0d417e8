using WebhookDispatcher.AppHost.Hosting;
using WebhookDispatcher.AppHost.Hosting.Testing;

namespace WebhookDispatcher.Tests.AppHost;

/// <summary>The AppHost's own app model, built the test way (free ports, temporary data, no dashboard), and started.</summary>
internal static class TestApps
{
    /// <summary>Generous: two cores build nothing here, but start PostgreSQL, Redis and four .NET services at once.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The AppHost's command line for a MockReceiver that accepts every delivery, so a test sees each event arrive at its first attempt.</summary>
    public static readonly string[] AcceptingReceiver = ["--receiver-failure-rate", "0", "--receiver-hang-rate", "0"];

    /// <summary>Runs the AppHost's Program with <paramref name="args"/> (by default <see cref="AcceptingReceiver"/>) and builds its model.</summary>
    public static async Task<DistributedApplication> CreateAsync(string[]? args = null, Action<DistributedApplicationOptions>? configure = null)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.WebhookDispatcher_AppHost>(args ?? AcceptingReceiver, configure);
        return builder.Build();
    }

    /// <summary>Starts the app and waits until every resource is healthy; on a timeout says which are not, and what they last wrote.</summary>
    public static async Task StartAndWaitUntilHealthyAsync(DistributedApplication app)
    {
        await app.StartAsync();
        try
        {
            await app.WaitForAllResourcesHealthyAsync().WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            var unhealthy = app.GetResources().Where(r => r.State != ResourceState.Running || r.Health is not (null or ResourceHealth.Healthy));
            var report = unhealthy.Select(r => $"{r.Name}: {r.State} {r.Health}{Environment.NewLine}" +
                string.Join(Environment.NewLine, app.GetConsoleLines(r.Name).TakeLast(15).Select(l => "    " + l.Text)));
            throw new TimeoutException($"Not healthy after {StartTimeout}:{Environment.NewLine}{string.Join(Environment.NewLine, report)}");
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds, or fails the test after <paramref name="timeout"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }
            await Task.Delay(250);
        }
    }
}
