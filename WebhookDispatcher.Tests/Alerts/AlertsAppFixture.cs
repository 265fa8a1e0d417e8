using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Npgsql;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Alerts;

/// <summary>
/// The whole system with both alert channels configured, each pointing at a <see cref="LoopbackReceiver"/> the test
/// runs: the Workers send to them as they would to Slack and PagerDuty, with retries fast enough for a test.
/// </summary>
public sealed class AlertsAppFixture : EngineAppFixture, IAsyncLifetime
{
    public const string RoutingKey = "R0123456789ABCDEF0123456789ABCDE";

    public LoopbackReceiver Slack { get; private set; } = null!;

    public LoopbackReceiver PagerDuty { get; private set; } = null!;

    /// <summary>The alert store on the app's own database, as the Workers' outcome path uses it.</summary>
    public AlertStore Alerts { get; private set; } = null!;

    private NpgsqlDataSource? _dataSource;

    public new async Task InitializeAsync()
    {
        Slack = await LoopbackReceiver.StartAsync(200, "ok");
        PagerDuty = await LoopbackReceiver.StartAsync(202, """{"status":"success","message":"Event processed"}""");
        await base.InitializeAsync();
        _dataSource = NpgsqlDataSource.Create(WebhooksConnectionString);
        Alerts = new AlertStore(_dataSource);
    }

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        builder.CreateResourceBuilder<ProjectResource>("worker")
            .WithEnvironment("Alerts__Slack__WebhookUrl", new Uri(Slack.Url, "/services/T000/B000/test").ToString())
            .WithEnvironment("Alerts__PagerDuty__RoutingKey", RoutingKey)
            .WithEnvironment("Alerts__PagerDuty__EventsUrl", new Uri(PagerDuty.Url, "/v2/enqueue").ToString())
            .WithEnvironment("Alerts__BaseDelay", "00:00:00.200")
            .WithEnvironment("Alerts__MaxDelay", "00:00:01")
            .WithEnvironment("Alerts__PollInterval", "00:00:00.200")
            .WithEnvironment("Alerts__AttemptTimeout", "00:00:02")
            .WithEnvironment("Alerts__LeaseDuration", "00:00:10");
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
        if (Slack is not null)
        {
            await Slack.DisposeAsync();
        }
        if (PagerDuty is not null)
        {
            await PagerDuty.DisposeAsync();
        }
    }
}
