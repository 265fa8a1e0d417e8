using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using WebhookDispatcher.Api.Extensions;

namespace WebhookDispatcher.Tests.Ingestion;

/// <summary>The Api's own service registration, as Program.cs runs it, in each environment.</summary>
public class ApiStartupTests
{
    private static WebApplicationBuilder Builder(string environment, string? keys = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration["ConnectionStrings:webhooks"] = "Host=127.0.0.1;Port=1;Username=postgres;Database=webhooks";
        builder.Configuration["ConnectionStrings:redis"] = "127.0.0.1:1,abortConnect=false";
        if (keys is not null)
        {
            builder.Configuration["Api:Keys"] = keys;
        }
        return builder;
    }

    [Theory]
    [InlineData("Staging")]
    [InlineData("Production")]
    [InlineData("Test")]
    public void OpenApiOutsideDevelopment_RefusesToStart_NamingTheSetting(string environment)
    {
        var builder = Builder(environment);

        var refused = Assert.Throws<InvalidOperationException>(() => builder.AddApplicationServices());

        Assert.Contains(environment, refused.Message, StringComparison.Ordinal);
        Assert.Contains("Api:Keys", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StagingWithKeys_AndDevelopmentWithout_Start()
    {
        Builder("Staging", keys: "a-key-0123456789").AddApplicationServices();
        Builder("Development").AddApplicationServices();
    }
}
