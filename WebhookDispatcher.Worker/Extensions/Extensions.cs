using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Telemetry;
using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Alerts;
using WebhookDispatcher.Core.Delivery;
using WebhookDispatcher.Core.Signing;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Core.Targets;
using WebhookDispatcher.Core.Telemetry;
using WebhookDispatcher.Worker.Alerts;
using WebhookDispatcher.Worker.Delivery;
using WebhookDispatcher.Worker.Services;

namespace WebhookDispatcher.Worker.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddWebhooksDataSource();
        builder.AddWakeUpRedisClient();

        builder.Services.AddOptions<DispatcherOptions>()
            .BindConfiguration("Dispatcher")
            .ValidateDataAnnotations()
            .Validate(o => o.LeaseDuration > o.AttemptTimeout * 2,
                "Dispatcher:LeaseDuration must exceed twice Dispatcher:AttemptTimeout, or a slow attempt could outlive its lease.")
            .Validate(o => o.SigningSecret is null || WebhookSecret.TryParse(o.SigningSecret, out _),
                "Dispatcher:SigningSecret must be 'whsec_' followed by base64 of at least 16 bytes.")
            .Validate(o => o.DefaultTargetUrl is null || o.SigningSecret is not null,
                "Dispatcher:DefaultTargetUrl is set, so Dispatcher:SigningSecret must be too: nothing is sent unsigned.")
            .Validate(o => o.DefaultTargetUrl is null || !Uri.TryCreate(o.DefaultTargetUrl, UriKind.Absolute, out var target)
                    || TargetRules.From(o, builder.Environment.IsDevelopment()).CheckSchemeAndPort(target) is null,
                "Dispatcher:DefaultTargetUrl breaks Dispatcher:RequireHttps or Dispatcher:AllowedPorts, so every delivery to it would be refused.")
            .ValidateOnStart();

        var dispatcher = builder.Configuration.GetSection("Dispatcher").Get<DispatcherOptions>() ?? new DispatcherOptions();
        // Stopping waits for attempts in flight (the grace period), then for the last outcomes to be written.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = dispatcher.ShutdownGracePeriod + TimeSpan.FromSeconds(15));

        builder.AddSecretSealing();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DatabaseMigrator>();
        builder.Services.AddHostedService<DatabaseMigrationService>();
        builder.Services.AddSingleton<DeliveryQueue>();
        builder.Services.AddSingleton<DeliveryStore>();
        builder.Services.AddSingleton<EndpointStore>();

        builder.Services.AddSingleton(sp => new RetryPolicy(sp.GetRequiredService<IOptions<DispatcherOptions>>().Value));
        builder.Services.AddSingleton<OutcomeClassifier>();
        builder.Services.AddSingleton<WorkerIdentity>();
        builder.Services.AddSingleton<DeliveryWakeUp>();
        builder.Services.AddSingleton<OutcomeWriter>();
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddSingleton<TargetStateStore>();
        builder.Services.AddSingleton<TargetGate>();
        builder.Services.AddSingleton<TargetHealthRecorder>();

        builder.Services.AddHostedService<WakeUpSubscriber>();
        builder.Services.AddHostedService<DeliveryWorker>();
        builder.Services.AddHostedService<QueueDepthMonitor>();
        builder.Services.AddSingleton<EventStore>();
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration("Retention")
            .Validate(o => o.BatchSize is > 0 and <= 100_000, "Retention:BatchSize must be between 1 and 100,000.")
            .Validate(o => o.Period <= TimeSpan.Zero || o.Interval > TimeSpan.Zero, "Retention:Interval must be positive.")
            .ValidateOnStart();
        builder.Services.AddHostedService<RetentionService>();

        builder.AddWebhookHttpClient(dispatcher);
        builder.AddAlertDispatch();
    }

    /// <summary>
    /// On-call alerts: the store the outcome path raises and resolves them in, and the dispatcher that sends them
    /// through a client of their own (its own connections and timeout; no retry handler, every try is recorded).
    /// </summary>
    private static void AddAlertDispatch(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AlertOptions>().BindConfiguration("Alerts")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>();
        builder.Services.AddSingleton<AlertStore>();
        builder.Services.AddSingleton<AlertSender>();
        builder.Services.AddHostedService<AlertDispatcher>();
        builder.Services.AddHttpClient(AlertSender.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                MaxConnectionsPerServer = 4,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(10),
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// The client that sends webhooks. No retry handler: every try must be a recorded attempt. No circuit breaker
    /// either: the circuit is shared by all Workers (<see cref="TargetGate"/>). Per endpoint (per authority) a
    /// concurrency cap, a second guard beside the rate limit so none is flooded; then the per-attempt timeout, which
    /// starts only once the attempt may go.
    /// The system's proxy (HTTPS_PROXY, ...) is never used: through it, the connect-time check would see the proxy's
    /// address and not the target's. A proxy is only the explicit Dispatcher:EgressProxy, which must enforce the
    /// address policy itself.
    /// </summary>
    internal static void AddWebhookHttpClient(this IHostApplicationBuilder builder, DispatcherOptions dispatcher)
    {
        var connector = new PublicAddressConnector(TargetRules.From(dispatcher, builder.Environment.IsDevelopment()));
        var egressProxy = dispatcher.EgressProxy is { } proxyUrl ? new WebProxy(new Uri(proxyUrl)) : null;
        builder.Services.AddHttpClient(WebhookSender.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = egressProxy is not null,
                Proxy = egressProxy,
                MaxConnectionsPerServer = dispatcher.MaxConcurrency,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = dispatcher.AttemptTimeout,
                // Through a proxy the connection is to the proxy, whose address is ours to choose.
                ConnectCallback = egressProxy is null && connector.ChecksAnything ? connector.ConnectAsync : null,
            })
            // The handler pools connections and refreshes DNS itself (PooledConnectionLifetime); rotating it would only drop them.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // The factory's logging handlers log nothing above Information and open a log scope for every request; each
            // attempt has its own log lines and span (AttemptLog, WebhookSender).
            .RemoveAllLoggers()
            .AddResilienceHandler("delivery", (pipeline, context) =>
            {
                var settings = context.ServiceProvider.GetRequiredService<IOptions<DispatcherOptions>>().Value;
                pipeline.AddConcurrencyLimiter(settings.MaxConcurrencyPerEndpoint, settings.MaxConcurrency);
                pipeline.AddTimeout(settings.AttemptTimeout);
            })
            .SelectPipelineByAuthority();
        builder.Services.Configure<TelemetryOptions>(options => DeliveryTimeoutSeverity.Apply(options, $"{WebhookSender.HttpClientName}-delivery"));
    }
}
