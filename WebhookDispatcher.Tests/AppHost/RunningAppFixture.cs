using WebhookDispatcher.AppHost.Hosting;

namespace WebhookDispatcher.Tests.AppHost;

/// <summary>
/// One app shared by the AppHost tests that only look at it or poke one resource: started once, because on two cores
/// every start of the whole system costs seconds. Two Worker replicas (worker-0, worker-1), an accepting
/// MockReceiver, and automatic restarts on, as in the real AppHost.
/// </summary>
public sealed class RunningAppFixture : IAsyncLifetime
{
    public DistributedApplication App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await TestApps.CreateAsync([.. TestApps.AcceptingReceiver, "--workers", "2"], options => options.AutoRestart = true);
        try
        {
            await TestApps.StartAndWaitUntilHealthyAsync(App);
        }
        catch
        {
            // Clean up at once rather than rely on the runner disposing a fixture that failed to start (disposing twice is harmless).
            await App.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>The AppHost tests run one at a time: each starts real processes, and two cores are not much to share.</summary>
[CollectionDefinition(Name)]
public sealed class AppHostCollection : ICollectionFixture<RunningAppFixture>
{
    public const string Name = "AppHost";
}
