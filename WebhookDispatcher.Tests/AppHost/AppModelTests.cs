using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace WebhookDispatcher.Tests.AppHost;

/// <summary>
/// The AppHost's model as built, without starting it: in container mode (what a laptop with Docker or Podman gets)
/// it is Aspire's own PostgreSQL and Redis; without a container runtime, our local-binary resources under the same
/// names. Either way the services reference and wait for the same things.
/// </summary>
public sealed class AppModelTests
{
    [Fact]
    public async Task InContainerMode_PostgresHasItsImageAVolumeAndTheWebhooksDatabase_AndTheServicesReferenceAndWaitForBoth()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.WebhookDispatcher_AppHost>(["--infrastructure", "containers"]);

        var postgres = Assert.IsType<PostgresServerResource>(Single(builder, "postgres"));
        Assert.True(postgres.TryGetContainerImageName(out var image));
        Assert.Contains("postgres", image);
        var volume = Assert.Single(postgres.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal(ContainerMountType.Volume, volume.Type);
        // Aspire mounts the volume where the postgres image keeps its data (the image's PGDATA lives under it).
        Assert.StartsWith("/var/lib/postgresql", volume.Target);
        var webhooks = Assert.IsType<PostgresDatabaseResource>(Single(builder, "webhooks"));
        Assert.Same(postgres, webhooks.Parent);
        Assert.Equal("webhooks", webhooks.DatabaseName);

        var redis = Assert.IsType<RedisResource>(Single(builder, "redis"));
        Assert.True(redis.TryGetContainerImageName(out var redisImage));
        Assert.Contains("redis", redisImage);

        AssertServicesReferenceAndWaitFor(builder, webhooks, redis);
    }

    [Fact]
    public async Task WithoutContainers_TheSameNamesAreLocalBinaries_WithTheSameWiring()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("webhook-dispatcher-model-").FullName;
        try
        {
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.WebhookDispatcher_AppHost>(
                ["--infrastructure", "local", "--data-dir", dataDirectory, "--workers", "3"]);

            var postgres = Assert.IsType<LocalPostgresServerResource>(Single(builder, "postgres"));
            Assert.StartsWith(dataDirectory, postgres.DataDirectory);
            var webhooks = Assert.IsType<LocalPostgresDatabaseResource>(Single(builder, "webhooks"));
            Assert.Same(postgres, webhooks.Parent);
            var redis = Assert.IsType<LocalRedisResource>(Single(builder, "redis"));
            Assert.Equal(3, Single(builder, "worker").Annotations.OfType<ReplicaAnnotation>().Single().Replicas);

            AssertServicesReferenceAndWaitFor(builder, webhooks, redis);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task AnUnknownInfrastructureChoice_IsRefusedNamingTheChoices()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.WebhookDispatcher_AppHost>(["--infrastructure", "kubernetes"]);
        });
        Assert.Contains("auto, containers or local", error.ToString());
    }

    private static void AssertServicesReferenceAndWaitFor(IDistributedApplicationTestingBuilder builder, IResource webhooks, IResource redis)
    {
        foreach (var service in new[] { "api", "worker" })
        {
            var resource = Single(builder, service);
            var waits = resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource).ToList();
            Assert.Contains(webhooks, waits);
            Assert.Contains(redis, waits);
            var references = resource.Annotations.OfType<ResourceRelationshipAnnotation>().Where(r => r.Type == "Reference").Select(r => r.Resource).ToList();
            Assert.Contains(webhooks, references);
            Assert.Contains(redis, references);
        }
        var console = Single(builder, "console");
        Assert.Contains(Single(builder, "api"), console.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource));
    }

    private static IResource Single(IDistributedApplicationTestingBuilder builder, string name) => builder.Resources.Single(r => r.Name == name);
}
