using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using WebhookDispatcher.Api.Ingestion;
using WebhookDispatcher.Api.Security;
using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Alerts;
using WebhookDispatcher.Core.Signing;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Core.Targets;

namespace WebhookDispatcher.Api.Extensions;

public static class Extensions
{
    /// <summary>What Kestrel itself refuses, bare: twice what RequestLimitsMiddleware answers in problem+json.</summary>
    public const int KestrelMaxRequestHeadersTotalSize = 2 * RequestLimitsMiddleware.MaxHeaderBytes;
    public const int KestrelMaxRequestLineSize = 2 * RequestLimitsMiddleware.MaxUrlLength;

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddWebhooksDataSource();
        builder.AddWakeUpRedisClient();

        builder.Services.AddOptions<DispatcherOptions>().BindConfiguration("Dispatcher").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ApiOptions>().BindConfiguration("Api").PostConfigure<IConfiguration>((o, configuration) => o.AddSingleValue(configuration));

        var apiOptions = builder.Configuration.GetSection("Api").Get<ApiOptions>() ?? new ApiOptions();
        apiOptions.AddSingleValue(builder.Configuration);
        var keys = apiOptions.EffectiveKeys();
        // Every environment but Development is reachable by someone other than its developer (Staging included), so
        // none of them may run open.
        if (keys.Count == 0 && !builder.Environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                $"The Api will not run in {builder.Environment.EnvironmentName} without API keys (only Development may): set Api:Keys (environment: Api__Keys__0, or a comma-separated Api__Keys).");
        }

        builder.Services.AddSingleton<DatabaseMigrator>();
        builder.Services.AddHostedService<DatabaseMigrationService>();
        builder.AddSecretSealing();
        builder.Services.AddHostedService<PlaintextSecretSealing>();
        builder.Services.AddSingleton<EventStore>();
        builder.Services.AddSingleton<DeliveryStore>();
        builder.Services.AddSingleton<IngestTransaction>();
        builder.Services.AddSingleton<EventDetailsQuery>();
        builder.Services.AddSingleton<EndpointStore>();
        builder.Services.AddSingleton<TargetStateStore>();
        builder.Services.AddSingleton<EndpointResumer>();
        builder.Services.AddSingleton<AlertStore>();
        builder.Services.AddOptions<AlertOptions>().BindConfiguration("Alerts").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>();

        var isDevelopment = builder.Environment.IsDevelopment();
        builder.Services.AddSingleton(sp => new TargetUrlPolicy(TargetRules.From(sp.GetRequiredService<IOptions<DispatcherOptions>>().Value, isDevelopment)));
        builder.Services.AddSingleton(sp => new EventRequestParser(sp.GetRequiredService<TargetUrlPolicy>(),
            sp.GetRequiredService<IOptions<ApiOptions>>().Value.AdHocTargetsAllowed(sp.GetRequiredService<IHostEnvironment>())));
        builder.Services.AddSingleton<EndpointRequestParser>();
        builder.Services.AddSingleton<WakeUpPublisher>();
        builder.Services.AddSingleton<IngestionUnitOfWork>();
        builder.Services.AddSingleton<IngestBatcher>();
        builder.Services.AddSingleton<EventIngestion>();

        // Kestrel's header limits sit above RequestLimitsMiddleware's (twice over), so what a producer plausibly
        // sends too much of is refused there, in problem+json that says what was too big; only what is far past
        // any producer's need meets Kestrel's bare 431/414, and it is never buffered whole. The body's limit is
        // JsonBodyReader's, per route.
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.Limits.MaxRequestHeadersTotalSize = KestrelMaxRequestHeadersTotalSize;
            kestrel.Limits.MaxRequestLineSize = KestrelMaxRequestLineSize;
            kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024; // routes bound it tighter in JsonBodyReader
        });

        builder.Services.AddProblemDetails();
        builder.Services.Configure<JsonOptions>(options => options.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never);
        builder.Services.AddOpenApi();
    }

    public static WebApplication UseApplicationMiddleware(this WebApplication app)
    {
        // Every failure answers problem+json; an unexpected exception is a 500 that says nothing of the internals.
        // (Handlers take query values as strings and parse them themselves, so a bad one is named in a 400.)
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex is Microsoft.AspNetCore.Http.BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseMiddleware<RequestLimitsMiddleware>();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.MapOpenApi();
        return app;
    }
}
