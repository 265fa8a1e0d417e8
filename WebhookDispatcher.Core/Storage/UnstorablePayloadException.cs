namespace WebhookDispatcher.Core.Storage;

/// <summary>
/// A payload that parsed as JSON but that PostgreSQL's json type refuses (a lone surrogate escape, say): the
/// producer's input is at fault, so it is answered as a validation problem, and nothing of the request is stored.
/// </summary>
public sealed class UnstorablePayloadException(string reason, Exception innerException)
    : Exception($"The payload is not storable JSON text: {reason}", innerException)
{
    /// <summary>PostgreSQL's own words for what it refused.</summary>
    public string Reason { get; } = reason;
}
