using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using WebhookDispatcher.AppHost.Dashboard.Otlp.Proto;
using WebhookDispatcher.AppHost.Dashboard.Telemetry;

namespace WebhookDispatcher.AppHost.Dashboard.Otlp;

/// <summary>
/// The OTLP/HTTP receiver (binary protobuf): POST /v1/traces, /v1/logs and /v1/metrics, each answered with its
/// Export*ServiceResponse, as the OpenTelemetry exporters of the services expect. A request needs the
/// <c>x-otlp-api-key</c> header the AppHost handed the services; a bad payload is answered 4xx and dropped.
/// </summary>
public static class OtlpHttpApi
{
    public const string ApiKeyHeader = "x-otlp-api-key";
    private const string ProtobufContentType = "application/x-protobuf";

    public static IEndpointRouteBuilder MapOtlpHttpApi(this IEndpointRouteBuilder app, TelemetryStore store, string apiKey, int maxBodyBytes = OtlpRequestReader.DefaultMaxBodyBytes)
    {
        var key = Encoding.UTF8.GetBytes(apiKey);

        app.MapPost("/v1/traces", (HttpContext context, ILoggerFactory loggers) =>
            HandleAsync(context, key, maxBodyBytes, ExportTraceServiceRequest.Parser, request =>
            {
                var (spans, rejected) = OtlpTraceMapper.Map(request);
                store.Traces.Add(spans);
                return new ExportTraceServiceResponse
                {
                    PartialSuccess = rejected == 0 ? null : new ExportTracePartialSuccess { RejectedSpans = rejected, ErrorMessage = "Spans without a trace id or span id were dropped." },
                };
            }, store, loggers));

        app.MapPost("/v1/logs", (HttpContext context, ILoggerFactory loggers) =>
            HandleAsync(context, key, maxBodyBytes, ExportLogsServiceRequest.Parser, request =>
            {
                store.Logs.Add(OtlpLogMapper.Map(request));
                return new ExportLogsServiceResponse();
            }, store, loggers));

        app.MapPost("/v1/metrics", (HttpContext context, ILoggerFactory loggers) =>
            HandleAsync(context, key, maxBodyBytes, ExportMetricsServiceRequest.Parser, request =>
            {
                var (points, rejected) = OtlpMetricMapper.Map(request);
                store.Metrics.Add(points);
                return new ExportMetricsServiceResponse
                {
                    PartialSuccess = rejected == 0 ? null : new ExportMetricsPartialSuccess { RejectedDataPoints = rejected, ErrorMessage = "Only gauges, sums and explicit-bucket histograms are kept." },
                };
            }, store, loggers));

        return app;
    }

    private static async Task HandleAsync<TRequest>(
        HttpContext context,
        byte[] apiKey,
        int maxBodyBytes,
        MessageParser<TRequest> parser,
        Func<TRequest, IMessage> store,
        TelemetryStore telemetry,
        ILoggerFactory loggers)
        where TRequest : IMessage<TRequest>
    {
        var request = context.Request;
        var response = context.Response;
        if (!HasApiKey(request, apiKey))
        {
            await WriteErrorAsync(response, StatusCodes.Status401Unauthorized, $"Missing or wrong {ApiKeyHeader} header.");
            return;
        }
        var mediaType = request.ContentType?.Split(';', 2)[0].Trim() ?? "";
        if (!mediaType.Equals(ProtobufContentType, StringComparison.OrdinalIgnoreCase) && !mediaType.Equals("application/protobuf", StringComparison.OrdinalIgnoreCase))
        {
            await WriteErrorAsync(response, StatusCodes.Status415UnsupportedMediaType, $"Send OTLP as binary protobuf ({ProtobufContentType}); JSON is not supported.");
            return;
        }

        var (outcome, body) = await OtlpRequestReader.ReadAsync(request, maxBodyBytes, context.RequestAborted);
        if (outcome == OtlpRequestReader.Outcome.TooLarge)
        {
            await WriteErrorAsync(response, StatusCodes.Status413PayloadTooLarge, $"The payload is larger than {maxBodyBytes} bytes.");
            return;
        }
        if (outcome == OtlpRequestReader.Outcome.BadEncoding)
        {
            await WriteErrorAsync(response, StatusCodes.Status400BadRequest, "The body's Content-Encoding is not gzip or identity, or the gzip data is corrupt.");
            return;
        }

        IMessage answer;
        try
        {
            answer = store(parser.ParseFrom(body));
        }
        catch (InvalidProtocolBufferException ex)
        {
            loggers.CreateLogger(typeof(OtlpHttpApi)).LogDebug("Rejected an OTLP payload at {Path}: {Message}", request.Path, ex.Message);
            await WriteErrorAsync(response, StatusCodes.Status400BadRequest, "The body is not a valid OTLP protobuf message.");
            return;
        }
        telemetry.NotifyChanged();

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ProtobufContentType;
        await response.Body.WriteAsync(answer.ToByteArray(), context.RequestAborted);
    }

    private static bool HasApiKey(HttpRequest request, byte[] expected)
    {
        var presented = request.Headers[ApiKeyHeader].ToString();
        if (presented.Length == 0 || presented.Length > 1024)
        {
            return false;
        }
        // Constant time, so the key can't be learnt a byte at a time.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), expected);
    }

    /// <summary>OTLP/HTTP errors are a google.rpc.Status in protobuf; plain text is what a person reading a curl answer wants, and exporters only look at the status code.</summary>
    private static Task WriteErrorAsync(HttpResponse response, int statusCode, string message)
    {
        response.StatusCode = statusCode;
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(message);
    }
}
