using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookDispatcher.Api.Ingestion;

namespace WebhookDispatcher.Tests.Ingestion;

/// <summary>
/// The body reader on a real request object: what a handler parses is the body as sent, whatever other requests
/// do with the shared buffer pool afterwards.
/// </summary>
public class JsonBodyReaderTests
{
    private static HttpRequest Request(byte[] body, bool withLength)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = withLength ? body.Length : null;
        return context.Request;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PooledBufferReusedByAnotherRequest_DoesNotChangeTheParsedBody(bool withLength)
    {
        var data = new string('a', 3000);
        var body = Encoding.UTF8.GetBytes($$$"""{"target_url":"https://merchant.example/hook","payload":{"order":"{{{data}}}"}}""");

        var (document, problem) = await JsonBodyReader.ReadAsync(Request(body, withLength), 256 * 1024, CancellationToken.None);
        Assert.Null(problem);
        using (document)
        {
            // Another request rents from the same pool and writes its own bytes over whatever it is given.
            var rented = new List<byte[]>();
            for (var i = 0; i < 32; i++)
            {
                var array = ArrayPool<byte>.Shared.Rent(body.Length + 1);
                array.AsSpan().Fill((byte)'X');
                rented.Add(array);
            }
            foreach (var array in rented)
            {
                ArrayPool<byte>.Shared.Return(array);
            }

            var root = document!.RootElement;
            Assert.Equal("https://merchant.example/hook", root.GetProperty("target_url").GetString());
            Assert.Equal(data, root.GetProperty("payload").GetProperty("order").GetString());
            Assert.Equal(Encoding.UTF8.GetString(body), root.GetRawText());
        }
    }

    [Theory]
    [InlineData("""{"merchantId":"m_1","type":"t","merchantId":"m_2","data":{}}""", "merchantId")]
    [InlineData("""{"merchantId":"m_1","type":"t","data":{"amount":1,"amount":1000}}""", "data.amount")]
    [InlineData("""{"events":[{"merchantId":"m_1","type":"t","data":{}},{"merchantId":"m_1","type":"t","type":"u","data":{}}]}""", "events[1].type")]
    [InlineData("""{"url":"https://a.example/","url":"http://169.254.169.254/"}""", "url")]
    public async Task DuplicatePropertyName_IsA400NamingIt(string json, string property)
    {
        var (document, problem) = await JsonBodyReader.ReadAsync(Request(Encoding.UTF8.GetBytes(json), withLength: true), 256 * 1024, CancellationToken.None);

        Assert.Null(document);
        Assert.NotNull(problem);
        Assert.Equal(StatusCodes.Status400BadRequest, problem!.StatusCode);
        var details = Assert.IsType<HttpValidationProblemDetails>(problem.ProblemDetails);
        Assert.Equal([property], details.Errors.Keys);
        Assert.Contains($"'{property}'", problem.ProblemDetails.Detail, StringComparison.Ordinal);
    }
}
