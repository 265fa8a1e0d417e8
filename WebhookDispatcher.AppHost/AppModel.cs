using WebhookDispatcher.AppHost.Hosting;
using WebhookDispatcher.Core.Signing;

namespace WebhookDispatcher.AppHost;

/// <summary>
/// The app model: what runs and how it is wired. Program.cs runs it, and so do the test harness and the benchmarks,
/// so they all exercise the same system.
/// </summary>
public static class AppModel
{
    public static AppModelResources Build(DistributedApplicationBuilder builder, AppModelOptions? options = null)
    {
        options ??= new AppModelOptions();

        var postgres = builder.AddPostgres("postgres");
        var webhooks = postgres.AddDatabase("webhooks");

        var redis = builder.AddRedis("redis");

        // The secret deliveries to the default target are signed with, and the MockReceiver checks them with.
        var signingSecret = builder.AddParameter("signing-secret", () => WebhookSecret.Generate().Text);

        var mockreceiver = builder.AddProject<Projects.WebhookDispatcher_MockReceiver>("mockreceiver")
            .WithHttpEndpoint(port: 4000)
            .WithHttpHealthCheck("/health")
            .WithEnvironment("Receiver__SigningSecret", signingSecret);
        if (options.ReceiverFailureRate is { } failureRate)
        {
            mockreceiver.WithEnvironment("Receiver__FailureRate", AppModelOptions.Format(failureRate));
        }
        if (options.ReceiverHangRate is { } hangRate)
        {
            mockreceiver.WithEnvironment("Receiver__HangRate", AppModelOptions.Format(hangRate));
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
        var worker = builder.AddProject<Projects.WebhookDispatcher_Worker>("worker")
            .WithHttpEndpoint()
            .WithReference(webhooks)
            .WaitFor(webhooks)
            .WithReference(redis)
            .WaitFor(redis)
            .WithReference(mockreceiver)
            .WithHttpHealthCheck("/health")
            .WithEnvironment("Dispatcher__DefaultTargetUrl", () => new Uri(receiverUrl.GetUrl(), "/webhook").ToString())
            .WithEnvironment("Dispatcher__AllowPrivateTargets", "true")
            .WithEnvironment("Dispatcher__SigningSecret", signingSecret)
            .WithReplicas(options.WorkerReplicas);

        builder.WithDashboardData(api, webhooks);

        return new AppModelResources(postgres, webhooks, redis, mockreceiver, api, worker);
    }
}

/// <summary>The model's resources, for a caller that wants to add to them (an extra environment variable in a benchmark).</summary>
public sealed record AppModelResources(
    IResourceBuilder<PostgresServerResource> Postgres,
    IResourceBuilder<PostgresDatabaseResource> Webhooks,
    IResourceBuilder<RedisResource> Redis,
    IResourceBuilder<ProjectResource> MockReceiver,
    IResourceBuilder<ProjectResource> Api,
    IResourceBuilder<ProjectResource> Worker);
