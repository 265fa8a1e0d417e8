using Microsoft.Extensions.Configuration;

// The app model: what runs and how it is wired. `dotnet run --project WebhookDispatcher.AppHost` starts it with the
// Aspire dashboard; the tests and the bench start the same model through Aspire.Hosting.Testing.
//
// Options (after `--`): --infrastructure auto|containers|local, --data-dir <path> and --fresh true (local binaries'
// data; by default this AppHost's own directory), --workers <n>, --receiver-failure-rate <r>, --receiver-hang-rate <r>.
var builder = DistributedApplication.CreateBuilder(args);

// PostgreSQL and Redis run in Aspire's containers where a container runtime answers, and from this machine's own
// binaries where none does (WebhookDispatcher.Hosting). Either way the services get the same connection strings,
// and the server the same settings.
IResourceBuilder<IResourceWithConnectionString> webhooks;
IResourceBuilder<IResourceWithConnectionString> redis;
if (builder.UseContainers())
{
    webhooks = builder.AddPostgres("postgres").WithDataVolume().WithServerSettings().AddDatabase("webhooks");
    redis = builder.AddRedis("redis").WithDataVolume();
}
else
{
    webhooks = builder.AddLocalPostgres("postgres").AddDatabase("webhooks");
    redis = builder.AddLocalRedis("redis");
}

// The secret deliveries to the default target are signed with, and the MockReceiver verifies them with: generated
// once and kept in the AppHost's user secrets. Letters and digits only, so "whsec_" + it is valid base64 (24 bytes).
var signingKey = builder.AddParameter("signing-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
var signingSecret = ReferenceExpression.Create($"whsec_{signingKey}");

// The key-encryption key that seals endpoint signing secrets at rest (Secrets:Keys:k1, AES-256-GCM), generated
// once and kept in the AppHost's user secrets like the signing key. 43 letters and digits and a '=' are base64 of
// 32 bytes (about 256 bits of randomness). Only the Api (it seals) and the Worker (it opens) are given it.
var secretsKey = builder.AddParameter("secrets-key", new GenerateParameterDefault { MinLength = 43, Special = false }, secret: true, persist: true);
var secretsKeyBase64 = ReferenceExpression.Create($"{secretsKey}=");

var mockreceiver = builder.AddProject<Projects.WebhookDispatcher_MockReceiver>("mockreceiver")
    .WithHttpHealthCheck("/health")
    .WithEnvironment("Receiver__SigningSecret", signingSecret)
    .WithUrlForEndpoint("http", url => url.DisplayText = "Receiver")
    .WithUrlForEndpoint("http", _ => new() { Url = "/stats", DisplayText = "Stats" })
    .WithReceiverCommands();

// The MockReceiver's chaos (0 and 0 accept everything); unset, it keeps its own defaults.
if (builder.Configuration["receiver-failure-rate"] is { } failureRate)
{
    mockreceiver.WithEnvironment("Receiver__FailureRate", failureRate);
}
if (builder.Configuration["receiver-hang-rate"] is { } hangRate)
{
    mockreceiver.WithEnvironment("Receiver__HangRate", hangRate);
}

var api = builder.AddProject<Projects.WebhookDispatcher_Api>("api")
    .WithReference(webhooks)
    .WaitFor(webhooks)
    .WithReference(redis)
    .WaitFor(redis)
    .WithHttpHealthCheck("/health")
    // Ad-hoc targets on this machine (the MockReceiver) are allowed here, in development, only.
    .WithEnvironment("Dispatcher__AllowPrivateTargets", "true")
    .WithEnvironment("Secrets__Keys__k1", secretsKeyBase64)
    .WithEnvironment("Secrets__ActiveKey", "k1")
    .WithUrlForEndpoint("http", url => url.DisplayText = "Api")
    .WithUrlForEndpoint("http", _ => new() { Url = "/openapi/v1.json", DisplayText = "OpenAPI" })
    .WithApiCommands();

// Merchants with no endpoint of their own are delivered to the MockReceiver here.
var defaultTargetUrl = ReferenceExpression.Create($"{mockreceiver.GetEndpoint("http")}/webhook");

var worker = builder.AddProject<Projects.WebhookDispatcher_Worker>("worker")
    .WithReference(webhooks)
    .WaitFor(webhooks)
    .WithReference(redis)
    .WaitFor(redis)
    .WithReference(mockreceiver)
    .WithHttpHealthCheck("/health")
    .WithUrlForEndpoint("http", url => url.DisplayText = "Worker (health only)")
    .WithEnvironment("Dispatcher__DefaultTargetUrl", defaultTargetUrl)
    .WithEnvironment("Dispatcher__AllowPrivateTargets", "true")
    .WithEnvironment("Dispatcher__SigningSecret", signingSecret)
    .WithEnvironment("Secrets__Keys__k1", secretsKeyBase64)
    .WithEnvironment("Secrets__ActiveKey", "k1")
    .WithReplicas(builder.Configuration.GetValue("workers", 1));

// The operator's own settings reach the services: on-call channels (Alerts__Slack__WebhookUrl, ...) and engine
// settings (Dispatcher__DefaultRateLimitPerSecond, ...), from the AppHost's environment or user secrets.
worker.WithSettingsFrom(builder.Configuration, "Alerts", "Dispatcher");
api.WithSettingsFrom(builder.Configuration, "Alerts", "Dispatcher");

// The operator console: events, attempt timelines, dead letters and endpoint health, read through the Api alone.
var console = builder.AddProject<Projects.WebhookDispatcher_OperatorConsole>("console")
    .WithReference(api)
    .WaitFor(api)
    .WithHttpHealthCheck("/health")
    .WithUrlForEndpoint("http", url => url.DisplayText = "Operator console")
    // The console shows where deliveries without an endpoint go, as the Worker sends them.
    .WithEnvironment("Console__DefaultTargetUrl", defaultTargetUrl);
// An event's page links its ingestion trace on this dashboard.
if (builder.Configuration["ASPNETCORE_URLS"]?.Split(';')[0] is { Length: > 0 } dashboardUrl)
{
    console.WithEnvironment("Console__TraceUrl", $"{dashboardUrl.TrimEnd('/')}/traces/detail/{{traceId}}");
}
api.WithUrl(ReferenceExpression.Create($"{console.GetEndpoint("http")}/deliveries"), "Operator console");

builder.Build().Run();
