using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace WebhookDispatcher.Tests.AppHost;

/// <summary>
/// The local-binary resources as a hosting integration: building the model touches no disk, each AppHost has a data
/// directory of its own, <c>WithDataDirectory</c> moves it, and the server runs with the same settings as the
/// container.
/// </summary>
public sealed class LocalBinariesModelTests
{
    [Fact]
    public async Task BuildingTheModel_CreatesNoDirectory_AndFreshDeletesNothing()
    {
        var root = Directory.CreateTempSubdirectory("webhook-dispatcher-model-").FullName;
        try
        {
            var notYet = Path.Combine(root, "not-yet");
            var kept = Path.Combine(root, "kept");
            var marker = Path.Combine(kept, "postgres", "PG_VERSION");
            Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
            await File.WriteAllTextAsync(marker, "15");

            await using (var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.WebhookDispatcher_AppHost>(
                ["--infrastructure", "local", "--data-dir", notYet]))
            {
                Assert.StartsWith(notYet, Assert.IsType<LocalPostgresServerResource>(Single(builder, "postgres")).DataDirectory);
            }
            await using (var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.WebhookDispatcher_AppHost>(
                ["--infrastructure", "local", "--data-dir", kept, "--fresh", "true"]))
            {
                Assert.IsType<LocalPostgresServerResource>(Single(builder, "postgres"));
            }

            Assert.False(Directory.Exists(notYet));
            Assert.True(File.Exists(marker));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task WithoutADataDirectory_EachAppHostHasItsOwn_NamedAfterItAndAHashOfItsPath()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.WebhookDispatcher_AppHost>(["--infrastructure", "local"]);

        var postgres = Assert.IsType<LocalPostgresServerResource>(Single(builder, "postgres"));
        var redis = Assert.IsType<LocalRedisResource>(Single(builder, "redis"));

        var appHostDirectory = Path.GetFileName(Path.GetDirectoryName(postgres.DataDirectory)!);
        Assert.Matches("^webhookdispatcher\\.apphost-[0-9a-f]{10}$", appHostDirectory);
        Assert.Equal("postgres", Path.GetFileName(postgres.DataDirectory));
        Assert.Equal(Path.GetDirectoryName(postgres.DataDirectory), Path.GetDirectoryName(redis.DataDirectory));
    }

    [Fact]
    public async Task WithDataDirectory_MovesTheDataAndTheServersWorkingDirectory()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.WebhookDispatcher_AppHost>(["--infrastructure", "local"]);
        var postgres = builder.CreateResourceBuilder(Assert.IsType<LocalPostgresServerResource>(Single(builder, "postgres")));
        var redis = builder.CreateResourceBuilder(Assert.IsType<LocalRedisResource>(Single(builder, "redis")));
        var elsewhere = Path.Combine(Path.GetTempPath(), "webhook-dispatcher-elsewhere");

        postgres.WithDataDirectory(Path.Combine(elsewhere, "pg"));
        redis.WithDataDirectory(Path.Combine(elsewhere, "redis"));

        Assert.Equal(Path.Combine(elsewhere, "pg"), postgres.Resource.DataDirectory);
        Assert.Equal(Path.Combine(elsewhere, "pg"), postgres.Resource.WorkingDirectory);
        var args = await ArgumentsOf(postgres.Resource);
        Assert.Equal(Path.Combine(elsewhere, "pg"), args[args.IndexOf("-D") + 1]);
        Assert.Equal(Path.Combine(elsewhere, "redis", "redis.conf"), (await ArgumentsOf(redis.Resource))[0]);
        Assert.False(Directory.Exists(elsewhere));
    }

    [Theory]
    [InlineData("containers")]
    [InlineData("local")]
    public async Task ThePostgresServer_RunsWithTheSameSettings_InEitherMode(string infrastructure)
    {
        var root = Directory.CreateTempSubdirectory("webhook-dispatcher-model-").FullName;
        try
        {
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.WebhookDispatcher_AppHost>(
                ["--infrastructure", infrastructure, "--data-dir", root]);

            var args = await ArgumentsOf((IResourceWithArgs)Single(builder, "postgres"));

            Assert.Contains("max_connections=300", args);
            Assert.Contains("shared_preload_libraries=pg_stat_statements", args);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<List<string>> ArgumentsOf(IResourceWithArgs resource)
    {
        var context = new CommandLineArgsCallbackContext([], resource);
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        return [.. context.Args.Select(a => a as string ?? "<value>")];
    }

    private static IResource Single(IDistributedApplicationTestingBuilder builder, string name) => builder.Resources.Single(r => r.Name == name);
}
