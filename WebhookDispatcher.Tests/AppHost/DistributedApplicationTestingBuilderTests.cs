using WebhookDispatcher.AppHost.Hosting;
using WebhookDispatcher.AppHost.Hosting.Testing;

namespace WebhookDispatcher.Tests.AppHost;

/// <summary>
/// The test harness gets the model by running the AppHost's Program: with the test's options and arguments, for that
/// call alone, and with Program's own failures. Nothing here starts a process.
/// </summary>
public sealed class DistributedApplicationTestingBuilderTests
{
    [Fact]
    public async Task CreateAsync_ReturnsTheModelProgramBuilds_WithTheTestOptions_BeforeAnythingStarts()
    {
        var builder = await CreateAsync(["--workers", "3"]);

        Assert.Equal(
            ["postgres-password", "postgres", "webhooks", "redis-password", "redis", "signing-secret", "mockreceiver", "api", "worker"],
            builder.Resources.Select(r => r.Name));
        Assert.Equal(3, builder.CreateResourceBuilder<ProjectResource>("worker").Resource.Replicas);
        Assert.True(builder.Options.RandomizePorts);
        Assert.False(builder.Options.DashboardEnabled);
        Assert.False(builder.Options.EchoConsole);
        Assert.False(builder.Options.AutoRestart);
        Assert.True(builder.Options.DeleteDataDirectoryOnDispose);
        Assert.StartsWith(Path.GetTempPath(), builder.Options.DataDirectory, StringComparison.Ordinal);
        // Program ended at its Build(): its Run() would have prepared the data directory.
        Assert.False(Directory.Exists(builder.Options.DataDirectory));
    }

    [Fact]
    public async Task TwoCallsAtOnce_EachGetTheirOwnArgumentsAndOptions()
    {
        var builders = await Task.WhenAll(
            CreateAsync(["--workers", "1"], options => options.AutoRestart = true),
            CreateAsync(["--workers", "3"]));

        Assert.Equal([1, 3], builders.Select(b => b.CreateResourceBuilder<ProjectResource>("worker").Resource.Replicas));
        Assert.Equal([true, false], builders.Select(b => b.Options.AutoRestart));
        Assert.NotEqual(builders[0].Options.DataDirectory, builders[1].Options.DataDirectory);
    }

    [Fact]
    public async Task ABuilderMadeOutsideTheHarness_AfterACall_HasTheAppHostsOwnOptions()
    {
        await CreateAsync([]);

        var builder = DistributedApplication.CreateBuilder(["--workers", "2"]);

        Assert.True(builder.Options.DashboardEnabled);
        Assert.False(builder.Options.RandomizePorts);
        Assert.True(builder.Options.AutoRestart);
        Assert.False(builder.Options.DeleteDataDirectoryOnDispose);
    }

    [Fact]
    public async Task ADataDirectoryNamedInTheArguments_IsKept()
    {
        var dataDirectory = DistributedApplicationTestingBuilder.CreateTemporaryDirectoryPath();

        var builder = await CreateAsync(["--data-dir", dataDirectory]);

        Assert.Equal(dataDirectory, builder.Options.DataDirectory);
        Assert.False(builder.Options.DeleteDataDirectoryOnDispose);
    }

    [Fact]
    public async Task AnExceptionInProgram_IsThrownByCreateAsync_AsItself()
    {
        // WithReplicas refuses no Workers at all.
        var exception = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => CreateAsync(["--workers", "0"]));

        Assert.Equal("replicas", exception.ParamName);
        Assert.Contains("Program.<Main>$", exception.StackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateResourceBuilder_NamesWhatIsMissingOrOfAnotherType()
    {
        var builder = await CreateAsync([]);

        Assert.Contains("no resource named 'nope'", Assert.Throws<InvalidOperationException>(() => builder.CreateResourceBuilder<ProjectResource>("nope")).Message);
        Assert.Contains("not a RedisResource", Assert.Throws<InvalidOperationException>(() => builder.CreateResourceBuilder<RedisResource>("api")).Message);
    }

    private static Task<DistributedApplicationBuilder> CreateAsync(string[] args, Action<DistributedApplicationOptions>? configureOptions = null) =>
        DistributedApplicationTestingBuilder.CreateAsync<Projects.WebhookDispatcher_AppHost>(args, configureOptions).WaitAsync(TestApps.DefaultTimeout);
}
