using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace WebhookDispatcher.Tests.Infrastructure;

/// <summary>
/// The system with its Api and console run as Staging, configured only as an operator of a staging environment
/// must: API keys and nothing else. What is on only in Development (ad-hoc targets, private targets) is off.
/// </summary>
public sealed class StagingAppFixture : EngineAppFixture
{
    public const string ApiKey = "staging-key-0123456789";

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        var api = builder.CreateResourceBuilder<ProjectResource>("api");
        api.WithEnvironment("ASPNETCORE_ENVIRONMENT", "Staging");
        api.WithEnvironment("Api__Keys", ApiKey);
        api.WithEnvironment("Dispatcher__AllowPrivateTargets", "false");
        var console = builder.CreateResourceBuilder<ProjectResource>("console");
        console.WithEnvironment("ASPNETCORE_ENVIRONMENT", "Staging");
        console.WithEnvironment("Console__ApiKey", ApiKey);
    }
}

[CollectionDefinition(Name)]
public sealed class StagingAppCollection : ICollectionFixture<StagingAppFixture>
{
    public const string Name = "Staging";
}
