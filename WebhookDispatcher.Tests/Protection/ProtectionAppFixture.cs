using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Protection;

/// <summary>
/// The whole system with two Workers and the shared circuit on, short enough for a test to watch it: it opens
/// after 5 failures in a row, half-opens after 2 s, and an endpoint failing for 15 s is disabled.
/// </summary>
public class ProtectionAppFixture : EngineAppFixture
{
    public const int CircuitBreakAfter = 5;
    public static readonly TimeSpan CircuitCooldown = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan DisableAfter = TimeSpan.FromSeconds(15);

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        builder.CreateResourceBuilder<ProjectResource>("worker")
            .WithEnvironment("Dispatcher__CircuitBreakAfter", CircuitBreakAfter.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("Dispatcher__CircuitCooldown", CircuitCooldown.ToString())
            .WithEnvironment("Dispatcher__DisableAfter", DisableAfter.ToString())
            // Deliveries must outlast the outage rather than go dead in it.
            .WithEnvironment("Dispatcher__MaxAttempts", "50");
    }
}

/// <summary>Alone, not beside other collections: what the receiver sees per second is what these tests judge.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProtectionAppCollection : ICollectionFixture<ProtectionAppFixture>
{
    public const string Name = "Merchant protection";
}
