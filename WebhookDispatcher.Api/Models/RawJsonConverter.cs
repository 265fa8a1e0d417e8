using System.Text.Json;
using System.Text.Json.Serialization;

namespace WebhookDispatcher.Api.Models;

/// <summary>
/// Writes a string that already holds JSON (a payload as PostgreSQL stored it) as that JSON, not as a string of
/// it, and reads any JSON value back into its text. The records keep the text, which the Worker sends on
/// untouched; only their JSON form changes, so a client reads the payload as the producer sent it.
/// </summary>
public sealed class RawJsonConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.GetRawText();
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value);
}
