using WebhookDispatcher.AppHost.Hosting;

namespace WebhookDispatcher.Tests.AppHost;

/// <summary>The telemetry variables a project gets when the dashboard runs: Aspire's, name for name.</summary>
public sealed class OtlpSettingsTests
{
    [Fact]
    public void InDevelopment_AProjectGetsAspiresOtlpVariables_WithShortExportDelays()
    {
        var environment = new Dictionary<string, string>();

        new OtlpSettings(new Uri("http://localhost:18890"), "0123abcd", IsDevelopment: true).ApplyTo(environment, "api");

        Assert.Equal("http://localhost:18890", environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("http/protobuf", environment["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.Equal("x-otlp-api-key=0123abcd", environment["OTEL_EXPORTER_OTLP_HEADERS"]);
        Assert.Equal("api", environment["OTEL_SERVICE_NAME"]);
        Assert.Matches("^service.instance.id=[0-9a-f]{32}$", environment["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal("1000", environment["OTEL_BSP_SCHEDULE_DELAY"]);
        Assert.Equal("1000", environment["OTEL_BLRP_SCHEDULE_DELAY"]);
        Assert.Equal("1000", environment["OTEL_METRIC_EXPORT_INTERVAL"]);
    }

    [Fact]
    public void OutsideDevelopment_ExportDelaysKeepTheirDefaults_AndEveryStartIsANewInstance()
    {
        var settings = new OtlpSettings(new Uri("http://localhost:18890"), "0123abcd", IsDevelopment: false);
        var first = new Dictionary<string, string>();
        var second = new Dictionary<string, string>();

        settings.ApplyTo(first, "worker");
        settings.ApplyTo(second, "worker");

        Assert.DoesNotContain("OTEL_BSP_SCHEDULE_DELAY", first.Keys);
        Assert.NotEqual(first["OTEL_RESOURCE_ATTRIBUTES"], second["OTEL_RESOURCE_ATTRIBUTES"]);
    }
}
