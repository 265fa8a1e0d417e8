namespace WebhookDispatcher.AppHost.Hosting.Testing;

/// <summary>
/// Builds an app for a test, the way Aspire.Hosting.Testing does: the same model as the AppHost (add it with
/// <c>AppModel.Build</c>), but every port free-chosen, a temporary data directory deleted on dispose, no dashboard,
/// no echo to the terminal, and no automatic restarts unless the test asks for them.
/// </summary>
/// <example>
/// <code>
/// var builder = DistributedApplicationTestingBuilder.Create();
/// AppModel.Build(builder, new AppModelOptions { ReceiverFailureRate = 0, ReceiverHangRate = 0 });
/// await using var app = builder.Build();
/// await app.StartAsync();
/// await app.WaitForResourceHealthyAsync("api").WaitAsync(TimeSpan.FromMinutes(1));
/// using var client = app.CreateHttpClient("api");
/// </code>
/// </example>
public static class DistributedApplicationTestingBuilder
{
    public static DistributedApplicationBuilder Create(Action<DistributedApplicationOptions>? configure = null)
    {
        var options = new DistributedApplicationOptions
        {
            DataDirectory = CreateTemporaryDirectoryPath(),
            DeleteDataDirectoryOnDispose = true,
            RandomizePorts = true,
            DashboardEnabled = false,
            EchoConsole = false,
            AutoRestart = false,
        };
        configure?.Invoke(options);
        return new DistributedApplicationBuilder(options);
    }

    /// <summary>A path under /tmp, which the postgres user can reach when tests run as root.</summary>
    public static string CreateTemporaryDirectoryPath() =>
        Path.Combine(Path.GetTempPath(), "webhook-dispatcher-test-" + Guid.NewGuid().ToString("N")[..12]);
}
