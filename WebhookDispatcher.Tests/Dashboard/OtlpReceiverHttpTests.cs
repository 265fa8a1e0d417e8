using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using WebhookDispatcher.AppHost.Dashboard.Otlp.Proto;

namespace WebhookDispatcher.Tests.Dashboard;

/// <summary>How the OTLP/HTTP receiver answers requests that are wrong, too large, or right.</summary>
public sealed class OtlpReceiverHttpTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task Without_the_api_key_the_answer_is_401()
    {
        using var http = Client(apiKey: null);
        var response = await http.PostAsync("/v1/traces", Protobuf(Traces("no-key")));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        using var wrong = Client(apiKey: "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.PostAsync("/v1/logs", Protobuf(new ExportLogsServiceRequest()))).StatusCode);
        Assert.Empty(fixture.Dashboard.Telemetry.Traces.Query(new(Text: "no-key")));
    }

    [Fact]
    public async Task A_valid_export_is_answered_with_an_empty_protobuf_response()
    {
        using var http = Client();
        var response = await http.PostAsync("/v1/traces", Protobuf(Traces("valid-export")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Null(answer.PartialSuccess);
        Assert.Single(fixture.Dashboard.Telemetry.Traces.Query(new(Text: "valid-export")));
    }

    [Fact]
    public async Task Spans_without_ids_are_reported_as_rejected()
    {
        using var http = Client();
        var request = Traces("half-valid");
        request.ResourceSpans[0].ScopeSpans[0].Spans.Add(new Span { Name = "no ids" });
        var response = await http.PostAsync("/v1/traces", Protobuf(request));
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, answer.PartialSuccess.RejectedSpans);
    }

    [Fact]
    public async Task A_gzip_body_is_accepted()
    {
        using var http = Client();
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            Traces("gzipped").WriteTo(gzip);
        }
        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        content.Headers.ContentEncoding.Add("gzip");
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/traces", content)).StatusCode);
        Assert.Single(fixture.Dashboard.Telemetry.Traces.Query(new(Text: "gzipped")));
    }

    [Theory]
    [InlineData("/v1/traces")]
    [InlineData("/v1/logs")]
    [InlineData("/v1/metrics")]
    public async Task Garbage_is_a_400_and_the_receiver_keeps_working(string path)
    {
        using var http = Client();
        var garbage = new ByteArrayContent([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01, 0x02]);
        garbage.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync(path, garbage)).StatusCode);

        var corruptGzip = new ByteArrayContent([1, 2, 3, 4, 5]);
        corruptGzip.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        corruptGzip.Headers.ContentEncoding.Add("gzip");
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync(path, corruptGzip)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/traces", Protobuf(Traces($"after-garbage{path}")))).StatusCode);
    }

    [Fact]
    public async Task Json_is_415()
    {
        using var http = Client();
        var json = new StringContent("{\"resourceSpans\":[]}", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await http.PostAsync("/v1/traces", json)).StatusCode);
    }

    [Fact]
    public async Task An_oversized_body_is_413()
    {
        using var http = Client();
        // With Expect: 100-continue the client waits for the verdict on the headers instead of racing the upload
        // against the server closing the connection.
        http.DefaultRequestHeaders.ExpectContinue = true;
        var huge = new ByteArrayContent(new byte[9 * 1024 * 1024]);
        huge.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        var response = await http.PostAsync("/v1/logs", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_gzip_bomb_is_cut_off_at_the_limit()
    {
        using var http = Client();
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 20; i++)
            {
                gzip.Write(zeros);
            }
        }
        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        content.Headers.ContentEncoding.Add("gzip");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await http.PostAsync("/v1/metrics", content)).StatusCode);
    }

    private HttpClient Client(string? apiKey = DashboardFixture.ApiKey)
    {
        var http = new HttpClient { BaseAddress = fixture.Dashboard.OtlpHttpUrl };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Add("x-otlp-api-key", apiKey);
        }
        return http;
    }

    private static ByteArrayContent Protobuf(IMessage message)
    {
        var content = new ByteArrayContent(message.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return content;
    }

    private static ExportTraceServiceRequest Traces(string name)
    {
        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Guid.NewGuid().ToByteArray()),
            SpanId = ByteString.CopyFrom(BitConverter.GetBytes(Random.Shared.NextInt64(1, long.MaxValue))),
            Name = name,
            StartTimeUnixNano = now,
            EndTimeUnixNano = now + 5_000_000,
        };
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(new ResourceSpans
        {
            Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "raw" } } } },
            ScopeSpans = { new ScopeSpans { Spans = { span } } },
        });
        return request;
    }
}
