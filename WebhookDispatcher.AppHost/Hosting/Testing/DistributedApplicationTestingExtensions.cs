namespace WebhookDispatcher.AppHost.Hosting.Testing;

/// <summary>What a test asks of a running app, with Aspire.Hosting.Testing's names.</summary>
public static class DistributedApplicationTestingExtensions
{
    /// <summary>A client whose base address is the resource's endpoint (a replica's, by its own name).</summary>
    public static HttpClient CreateHttpClient(this DistributedApplication app, string resourceName, string endpointName = "http") =>
        new() { BaseAddress = app.GetEndpoint(resourceName, endpointName) };

    public static Task<string?> GetConnectionStringAsync(this DistributedApplication app, string resourceName, CancellationToken cancellationToken = default) =>
        Task.FromResult<string?>(app.GetConnectionString(resourceName));
}
