using WebhookDispatcher.AppHost.Hosting;
using WebhookDispatcher.Core.Signing;

// The app model, as an Aspire AppHost's Program.cs: what runs and how it is wired, and nothing else; the machinery
// that runs it is in Hosting/. The tests run this same entry point to get the model
// (DistributedApplicationTestingBuilder.CreateAsync<Projects.WebhookDispatcher_AppHost>), so they exercise this system.
//
// dotnet run --project WebhookDispatcher.AppHost [-- --fresh] [--no-dashboard] [--data-dir <path>] [--workers <n>]
//     [--receiver-failure-rate <r>] [--receiver-hang-rate <r>]
var builder = DistributedApplication.CreateBuilder(args);

var postgres = builder.AddPostgres("postgres");
var webhooks = postgres.AddDatabase("webhooks");

var redis = builder.AddRedis("redis");

// The secret deliveries to the default target are signed with, and the MockReceiver checks them with.
var signingSecret = builder.AddParameter("signing-secret", () => WebhookSecret.Generate().Text);

var mockreceiver = builder.AddProject<Projects.WebhookDispatcher_MockReceiver>("mockreceiver")
    .WithHttpEndpoint(port: 4000)
    .WithHttpHealthCheck("/health")
    .WithEnvironment("Receiver__SigningSecret", signingSecret);

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
    .WithHttpEndpoint(port: 3000)
    .WithReference(webhooks)
    .WaitFor(webhooks)
    .WithReference(redis)
    .WaitFor(redis)
    .WithHttpHealthCheck("/health")
    // Ad-hoc targets on this machine (the MockReceiver) are allowed in the AppHost only.
    .WithEnvironment("Dispatcher__AllowPrivateTargets", "true");

var receiverUrl = mockreceiver.Resource.GetEndpoint("http");
builder.AddProject<Projects.WebhookDispatcher_Worker>("worker")
    .WithHttpEndpoint()
    .WithReference(webhooks)
    .WaitFor(webhooks)
    .WithReference(redis)
    .WaitFor(redis)
    .WithReference(mockreceiver)
    .WithHttpHealthCheck("/health")
    // Known once the MockReceiver's port is, at the Worker's start.
    .WithEnvironment("Dispatcher__DefaultTargetUrl", () => new Uri(receiverUrl.GetUrl(), "/webhook").ToString())
    .WithEnvironment("Dispatcher__AllowPrivateTargets", "true")
    .WithEnvironment("Dispatcher__SigningSecret", signingSecret)
    .WithReplicas(builder.Configuration.GetValue("workers", 1));

// The dashboard's deliveries pages read the Api and the database.
builder.WithDashboardData(api, webhooks);

builder.Build().Run();
