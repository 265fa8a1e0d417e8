namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>Healthy while a path on the endpoint answers 2xx (Aspire's <c>WithHttpHealthCheck</c>).</summary>
internal sealed class HttpHealthProbe(EndpointAnnotation endpoint, string path) : IHealthProbe
{
    // One client for every probe: a probe a second must not cost a connection pool each.
    private static readonly HttpClient Client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
        Timeout = TimeSpan.FromSeconds(2),
    };

    public async Task<bool> IsHealthyAsync(int replica, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Client.GetAsync(new Uri(endpoint.GetUrl(replica), path), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
