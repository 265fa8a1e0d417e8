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
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddWebhooksDataSource();
        builder.AddWakeUpRedisClient();

        builder.Services.AddOptions<DispatcherOptions>().BindConfiguration("Dispatcher").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ApiOptions>().BindConfiguration("Api").PostConfigure<IConfiguration>((o, configuration) => o.AddSingleValue(configuration));

        var apiOptions = builder.Configuration.GetSection("Api").Get<ApiOptions>() ?? new ApiOptions();
        apiOptions.AddSingleValue(builder.Configuration);
        var keys = apiOptions.EffectiveKeys();
        if (keys.Count == 0 && builder.Environment.IsProduction())
        {
            throw new InvalidOperationException(
                "The Api will not run in Production without API keys: set Api:Keys (environment: Api__Keys__0, or a comma-separated Api__Keys).");
        }

        builder.Services.AddSingleton<DatabaseMigrator>();
        builder.Services.AddHostedService<DatabaseMigrationService>();
        builder.AddSecretSealing();
        builder.Services.AddHostedService<PlaintextSecretSealing>();
        builder.Services.AddSingleton<EventStore>();
        builder.Services.AddSingleton<DeliveryStore>();
        builder.Services.AddSingleton<EndpointStore>();
        builder.Services.AddSingleton<TargetStateStore>();
        builder.Services.AddSingleton<EndpointResumer>();
        builder.Services.AddSingleton<AlertStore>();
        builder.Services.AddOptions<AlertOptions>().BindConfiguration("Alerts").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>();

        var isDevelopment = builder.Environment.IsDevelopment();
        builder.Services.AddSingleton(sp => new TargetUrlPolicy(TargetRules.From(sp.GetRequiredService<IOptions<DispatcherOptions>>().Value, isDevelopment)));
        builder.Services.AddSingleton<EventRequestParser>();
        builder.Services.AddSingleton<EndpointRequestParser>();
        builder.Services.AddSingleton<WakeUpPublisher>();
        builder.Services.AddSingleton<IngestBatcher>();
        builder.Services.AddSingleton<EventIngestion>();

        // Kestrel's limits sit well above ours, so what it would refuse with a bare status reaches
        // RequestLimitsMiddleware and JsonBodyReader, which say what was too big in problem+json.
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.Limits.MaxRequestHeadersTotalSize = 1024 * 1024;
            kestrel.Limits.MaxRequestLineSize = 64 * 1024;
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
