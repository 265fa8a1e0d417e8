using System.Net;
using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Targets;

/// <summary>
/// The system with the Api outside Development (Staging: API keys required, private targets refused, https and the
/// allowed ports only), and the Workers started with the system proxy variables pointing at a loopback listener of
/// the test, which a webhook must never reach.
/// </summary>
public sealed class EgressRulesAppFixture : EngineAppFixture, IDisposable
{
    public const string ApiKey = "egress-key-0123456789";

    /// <summary>Where HTTP_PROXY and HTTPS_PROXY point the Workers: nothing should ever connect here.</summary>
    public TcpListener SystemProxy { get; } = StartListener();

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        var api = builder.CreateResourceBuilder<ProjectResource>("api");
        api.WithEnvironment("ASPNETCORE_ENVIRONMENT", "Staging");
        api.WithEnvironment("DOTNET_ENVIRONMENT", "Staging");
        api.WithEnvironment("Api__Keys", ApiKey);
        api.WithEnvironment("Dispatcher__AllowPrivateTargets", "false");
        // Ad-hoc targets stay allowed here, so their URL is judged by the SSRF rules and not refused as a shape.
        api.WithEnvironment("Api__AllowAdHocTargets", "true");

        var proxy = $"http://127.0.0.1:{((IPEndPoint)SystemProxy.LocalEndpoint).Port}";
        var worker = builder.CreateResourceBuilder<ProjectResource>("worker");
        foreach (var name in new[] { "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy" })
        {
            worker.WithEnvironment(name, proxy);
        }
        worker.WithEnvironment("NO_PROXY", "");
        worker.WithEnvironment("no_proxy", "");
    }

    public void Dispose() => SystemProxy.Dispose();

    private static TcpListener StartListener()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }
}

[CollectionDefinition(Name)]
public sealed class EgressRulesCollection : ICollectionFixture<EgressRulesAppFixture>
{
    public const string Name = "EgressRules";
}
