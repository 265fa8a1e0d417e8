using System.Net.Http.Headers;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using WebhookDispatcher.OperatorConsole.Services;

namespace WebhookDispatcher.OperatorConsole.Extensions;

public static class Extensions
{
    /// <summary>The Api's service-discovery name: the AppHost's resource "api", over https when it has it.</summary>
    private static readonly Uri DiscoveredApi = new("https+http://api/");

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();

        builder.Services.AddOptions<ConsoleOptions>()
            .BindConfiguration(ConsoleOptions.SectionName)
            .Validate(o => o.ApiUrl is null || (o.ApiUrl.IsAbsoluteUri && o.ApiUrl.Scheme is "http" or "https"),
                "Console:ApiUrl must be an absolute http or https URL, such as https://dispatcher-api.internal.")
            .ValidateOnStart();

        // The service defaults give every client the standard resilience handler, whose retries (3, backing off
        // from 2 s) would keep a page blank for 15 s before it could say the Api is down, though the pages ask again
        // every few seconds anyway. This client swaps it for one with a single quick retry, short timeouts, and no
        // retry of a POST: whether to send a retry again is the operator's call.
        var api = builder.Services.AddHttpClient<ApiClient>((services, http) =>
        {
            var options = services.GetRequiredService<IOptions<ConsoleOptions>>().Value;
            http.BaseAddress = options.ApiUrl is { } url ? WithTrailingSlash(url) : DiscoveredApi;
            if (!string.IsNullOrEmpty(options.ApiKey))
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
            }
        });
#pragma warning disable EXTEXP0001 // Experimental, and the library's way to replace a handler the defaults added (dotnet/extensions#5695).
        api.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        api.AddStandardResilienceHandler(resilience =>
        {
            resilience.Retry.MaxRetryAttempts = 1;
            resilience.Retry.Delay = TimeSpan.FromMilliseconds(250);
            resilience.Retry.DisableForUnsafeHttpMethods();
            resilience.AttemptTimeout.Timeout = TimeSpan.FromSeconds(4);
            resilience.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(10);
        });

        builder.Services.AddHealthChecks().AddCheck<ApiHealthCheck>("api", HealthStatus.Degraded, timeout: TimeSpan.FromSeconds(5));
    }

    /// <summary>A base address without one drops its last path segment when a relative path is joined to it.</summary>
    private static Uri WithTrailingSlash(Uri url) =>
        url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
}
