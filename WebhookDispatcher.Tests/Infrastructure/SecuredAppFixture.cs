using WebhookDispatcher.AppHost;
using WebhookDispatcher.AppHost.Hosting;

namespace WebhookDispatcher.Tests.Infrastructure;

/// <summary>The same system with API keys required, as a production Api runs: for the key tests and the fuzzer.</summary>
public sealed class SecuredAppFixture : EngineAppFixture
{
    public const string ApiKey = "fuzz-key-0123456789";

    protected override void Configure(AppModelResources resources)
    {
        resources.Api.WithEnvironment("Api__Keys", $"{ApiKey},second-key");
        // As in production: targets on private, loopback and link-local addresses are refused.
        resources.Api.WithEnvironment("Dispatcher__AllowPrivateTargets", "false");
        // The receiver's replay window, short enough to test a stale timestamp without waiting five minutes.
        resources.MockReceiver.WithEnvironment("Receiver__TimestampTolerance", "00:00:03");
    }
}

[CollectionDefinition(Name)]
public sealed class SecuredAppCollection : ICollectionFixture<SecuredAppFixture>
{
    public const string Name = "Secured";
}
