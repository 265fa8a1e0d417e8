using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using WebhookDispatcher.Core;
using WebhookDispatcher.Worker.Delivery;
using WebhookDispatcher.Worker.Extensions;

namespace WebhookDispatcher.Tests.Delivery;

/// <summary>A merchant's timeout is a Warning in the Worker's logs, never an Error (Error is for our own faults and dead deliveries).</summary>
public sealed class DeliveryTimeoutLogTests
{
    [Fact]
    public async Task AMerchantThatTimesOut_IsLoggedAsAWarning_NotAnError()
    {
        // A merchant that accepts the connection and never answers.
        using var merchant = new TcpListener(IPAddress.Loopback, 0);
        merchant.Start();
        var accepting = merchant.AcceptTcpClientAsync();
        var options = new DispatcherOptions { AttemptTimeout = TimeSpan.FromMilliseconds(300), AllowPrivateTargets = true };
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Logging.AddFakeLogging();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton(Options.Create(options));
        builder.AddWebhookHttpClient(options);
        using var services = builder.Services.BuildServiceProvider();
        using var client = services.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookSender.HttpClientName);

        await Assert.ThrowsAsync<TimeoutRejectedException>(() =>
            client.PostAsync($"http://127.0.0.1:{((IPEndPoint)merchant.LocalEndpoint).Port}/hook", new StringContent("{}")));
        using var connection = await accepting;

        var records = services.GetRequiredService<FakeLogCollector>().GetSnapshot();
        var timeout = Assert.Single(records, r => r.Message.Contains("OnTimeout", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, timeout.Level);
        Assert.DoesNotContain(records, r => r.Level >= LogLevel.Error);
    }
}
