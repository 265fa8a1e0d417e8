namespace WebhookDispatcher.Tests.Fuzzing;

/// <summary>One generated request for the Api, and what it may be answered with.</summary>
/// <param name="Kind">The family it belongs to, for the counts in RELIABILITY.md.</param>
/// <param name="MayBeAccepted">
/// The input is odd but valid (SQL in a payload, a mutated body that is still a well-formed event): 202 is a
/// right answer, as long as what is stored is exactly what was sent.
/// </param>
public sealed record FuzzCase(
    string Kind,
    HttpMethod Method,
    string Path,
    string? ContentType,
    byte[]? Body,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    bool Authenticated,
    bool MayBeAccepted)
{
    public override string ToString() => $"{Kind}: {Method} {Path} ({Body?.Length ?? 0} bytes)";
}
