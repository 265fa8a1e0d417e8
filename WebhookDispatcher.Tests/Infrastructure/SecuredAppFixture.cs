using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace WebhookDispatcher.Tests.Infrastructure;

/// <summary>The same system with API keys required, as a production Api runs: for the key tests and the fuzzer.</summary>
public sealed class SecuredAppFixture : EngineAppFixture
{
    public const string ApiKey = "fuzz-key-0123456789";

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        var api = builder.CreateResourceBuilder<ProjectResource>("api");
        api.WithEnvironment("Api__Keys", $"{ApiKey},second-key");
        // As in production: targets on private, loopback and link-local addresses are refused.
        api.WithEnvironment("Dispatcher__AllowPrivateTargets", "false");
        // The receiver's replay window, short enough to test a stale timestamp without waiting five minutes.
        builder.CreateResourceBuilder<ProjectResource>("mockreceiver").WithEnvironment("Receiver__TimestampTolerance", "00:00:03");
    }
}

[CollectionDefinition(Name)]
public sealed class SecuredAppCollection : ICollectionFixture<SecuredAppFixture>
{
    public const string Name = "Secured";
}
