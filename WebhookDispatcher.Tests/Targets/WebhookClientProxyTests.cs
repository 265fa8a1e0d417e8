using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WebhookDispatcher.Core;
using WebhookDispatcher.Worker.Delivery;
using WebhookDispatcher.Worker.Extensions;

namespace WebhookDispatcher.Tests.Targets;

/// <summary>
/// The Worker's webhook client as its DI builds it: a proxy is used only when Dispatcher:EgressProxy names one
/// (the system's proxy is refused by the running Worker, in EgressRulesTests).
/// </summary>
public class WebhookClientProxyTests
{
    [Fact]
    public async Task WithDispatcherEgressProxySet_AWebhookGoesThroughThatProxy()
    {
        using var proxy = new TcpListener(IPAddress.Loopback, 0);
        proxy.Start();
        var proxyUrl = $"http://127.0.0.1:{((IPEndPoint)proxy.LocalEndpoint).Port}";
        using var services = WebhookClientServices(new DispatcherOptions { EgressProxy = proxyUrl });
        using var client = services.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookSender.HttpClientName);

        var sending = client.PostAsync("http://merchant.example/hook", new StringContent("{}"));
        var requestLine = await AnswerOneRequestAsync(proxy);
        using var response = await sending;

        Assert.Equal("POST http://merchant.example/hook HTTP/1.1", requestLine);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private static ServiceProvider WebhookClientServices(DispatcherOptions options)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Services.AddSingleton(Options.Create(options));
        builder.AddWebhookHttpClient(options);
        return builder.Services.BuildServiceProvider();
    }

    /// <summary>Reads one request's head as a proxy would, answers 204 and closes; returns the request line.</summary>
    private static async Task<string> AnswerOneRequestAsync(TcpListener listener)
    {
        using var connection = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var stream = connection.GetStream();
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n"))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }
            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        await stream.WriteAsync("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
        return head.ToString().Split("\r\n")[0];
    }
}
